// The `subledger` command line. Everything lives outside main.swift: top-level code runs on the main
// actor, and a loop here would run slower (design/swift-notes.md).
SubledgerMain.run()
