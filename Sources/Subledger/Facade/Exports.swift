@_exported import SubledgerCodec
// What a client of the facade sees with `import Subledger` alone: Core's value types (dates, money, commands,
// events, the projection), which Subledger's API is made of (DR-19), and the codec, with which the CLI writes
// `--json` output and JSON errors (DR-20). The store is not re-exported: clients never see it.
@_exported import SubledgerCore
