// The value types of Subledger's API (dates, money, commands, events, the projection) are Core's; a client
// imports `Subledger` alone and sees them. The store is not re-exported: see DR-19.
@_exported import SubledgerCore
