#!/usr/bin/env bash
# Long-running fuzz campaign: the same seeded mutation fuzzer as `swift test --filter FuzzTests`
# (Tests/SubledgerTests/FuzzTests.swift), with many more iterations and a fresh random seed per round.
#
#   tools/fuzz.sh                      # 200,000 iterations per target, one round, random seed
#   tools/fuzz.sh -n 1000000 -r 5      # 1,000,000 iterations per target, 5 rounds (5 seeds)
#   tools/fuzz.sh -s 0x5eed20260001    # replay one seed (exactly what that round fed)
#   tools/fuzz.sh -t fullImport        # one target: jsonLinesReader, csvReader, fullImport,
#                                      #   scenarioParserAndRunner, eventPayloadDecoder,
#                                      #   extremeFigures (range edges, DR-17; also matches
#                                      #   extremeFiguresThroughTheLedger)
#
# Every input is written to $CRASH_DIR/<target>.last just before it is fed. When the test process dies
# (a crash: trap, precondition, out-of-bounds), the script prints the seed and a hex dump of the last
# inputs; keep the one of the crashed target as a disabled regression test in FuzzTests.swift.
# A non-crash failure (a thrown error without a line, a failed import that wrote events, ...) is
# reported by swift-testing with the input escaped in the message.
#
# Environment read by the tests: SUBLEDGER_FUZZ_ITERATIONS, SUBLEDGER_FUZZ_SEED, SUBLEDGER_FUZZ_CRASH_DIR.
#
# Coverage-guided fuzzing with libFuzzer (optional, not required by anything here): the toolchain's
# `-sanitize=fuzzer` works on Linux. Write an executable target (e.g. tools/fuzz-jsonl/main.swift) with
#
#     @_cdecl("LLVMFuzzerTestOneInput")
#     public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
#         let bytes = Array(UnsafeBufferPointer(start: data, count: size))
#         try? CommandReader.forEachJSONLine(bytes) { _, _ in }      // or importFile / EventCatalog.decode
#         return 0
#     }
#
# then build and run it with a corpus directory seeded from the test seeds:
#
#     swift build -c debug --product fuzz-jsonl -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
#     .build/debug/fuzz-jsonl corpus/ -max_total_time=600
#
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=200000
rounds=1
seed=""
filter="FuzzTests"
while getopts "n:r:s:t:h" opt; do
  case $opt in
    n) iterations=$OPTARG ;;
    r) rounds=$OPTARG ;;
    s) seed=$OPTARG ;;
    t) filter="FuzzTests.$OPTARG" ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done

CRASH_DIR=${CRASH_DIR:-$(mktemp -d -t subledger-fuzz.XXXXXX)}
mkdir -p "$CRASH_DIR"
echo "fuzz: inputs of the running iteration go to $CRASH_DIR"
swift build --build-tests

for ((round = 1; round <= rounds; round++)); do
  round_seed=${seed:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
  echo "fuzz: round $round/$rounds seed=$round_seed iterations=$iterations filter=$filter"
  rm -f "$CRASH_DIR"/*.last
  start=$(date +%s)
  set +e
  SUBLEDGER_FUZZ_ITERATIONS=$iterations SUBLEDGER_FUZZ_SEED=$round_seed SUBLEDGER_FUZZ_CRASH_DIR=$CRASH_DIR \
    swift test --skip-build --filter "$filter" 2>&1 | tee "$CRASH_DIR/round-$round.log" | grep -E '^\[fuzz\]|✘|✔ Suite|error|Fatal|Crash|signal'
  status=${PIPESTATUS[0]}
  set -e
  echo "fuzz: round $round finished in $(( $(date +%s) - start ))s with status $status"
  if [[ $status -ne 0 ]]; then
    echo "fuzz: FAILED with seed=$round_seed (replay: tools/fuzz.sh -n $iterations -s $round_seed -t <target>)"
    if grep -qE 'Test run with .* (passed|failed) after' "$CRASH_DIR/round-$round.log"; then
      echo "fuzz: the run completed: see the recorded issues above (inputs are escaped in the messages)"
    else
      echo "fuzz: the test process died (crash). Last input of each target that had started:"
      for f in "$CRASH_DIR"/*.last; do
        [[ -e $f ]] || continue
        echo "--- $(basename "$f" .last) ($(wc -c < "$f") bytes)"
        xxd "$f" | head -64 || od -An -tx1 "$f" | head -64
      done
      echo "fuzz: the target that crashed is the one whose test started last in $CRASH_DIR/round-$round.log"
    fi
    exit 1
  fi
done
echo "fuzz: all rounds passed"
