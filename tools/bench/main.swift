// subledger-bench: see Bench.swift. Kept to one call: top-level code runs on the main actor.
Bench.main()
