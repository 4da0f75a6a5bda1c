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
#   tools/fuzz.sh -c 2000              # also N command-line runs: hostile import files, error text checked
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
cli_runs=200
while getopts "n:r:s:t:c:h" opt; do
  case $opt in
    n) iterations=$OPTARG ;;
    r) rounds=$OPTARG ;;
    s) seed=$OPTARG ;;
    t) filter="FuzzTests.$OPTARG" ;;
    c) cli_runs=$OPTARG ;;
    *) sed -n "2,15p" "$0"; exit 2 ;;
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

# The command line: import files whose names carry control characters (as JSON escapes) and long
# strings must fail with ONE line of error text, no raw control character and at most 80 characters
# of input quoted; a binary file is refused at once.
cli_check() {
  local bin=.build/debug/subledger db="$CRASH_DIR/cli.db" file="$CRASH_DIR/cli.jsonl" err="$CRASH_DIR/cli.err"
  local escapes=('\u001b[2J' '\r' '\n' '\u0000' '\u007f' '\u009b' '\t' 'A' 'é' '\u2028')
  rm -f "$db"; "$bin" init --db "$db" > /dev/null
  if ! timeout 20 "$bin" import /dev/zero --format jsonl --db "$db" 2> "$err"; then :; fi
  grep -q 'not text' "$err" || { echo "fuzz: import /dev/zero: $(cat "$err")"; return 1; }
  for ((i = 0; i < cli_runs; i++)); do
    local value="" n=$((RANDOM % 60 + 1)) key=$((RANDOM % 3))
    for ((j = 0; j < n; j++)); do value+=${escapes[RANDOM % ${#escapes[@]}]}; done
    case $key in
      0) printf '{"command":"item","item":"%s","model":"fifo"}\n' "$value" > "$file" ;;
      1) printf '{"command":"item","%s":"x"}\n' "$value" > "$file" ;;
      *) printf '{"command":"item","item":"A","model":"fifo","negative":"%s"}\n' "$value" > "$file" ;;
    esac
    if "$bin" import "$file" --db "$db" 2> "$err"; then continue; fi
    if [[ $(wc -l < "$err") -ne 1 ]] || LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$err" \
       || LC_ALL=C grep -qP '\x00|\xc2[\x80-\x9f]' "$err"; then
      echo "fuzz: unsafe error text for $(cat "$file"):"; od -c "$err" | head -20; return 1
    fi
    local quoted; quoted=$(sed -n "s/^[^']*'\([^']*\)'.*/\1/p" "$err" | sed 's/\\u{[0-9A-F]*}/X/g')
    if [[ ${#quoted} -gt 80 ]]; then echo "fuzz: ${#quoted} characters of input quoted: $(cat "$err")"; return 1; fi
  done
  echo "fuzz: command line: $cli_runs hostile imports, every error one safe line"
}
cli_check || exit 1
echo "fuzz: all rounds passed"
