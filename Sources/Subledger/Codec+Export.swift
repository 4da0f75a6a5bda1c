// The CLI writes its `--json` output and JSON errors with `JSONValue`; re-exported so that a client of the
// facade needs `import Subledger` alone and the codec stays a leaf target with no domain in it (DR-20).
@_exported import SubledgerCodec
