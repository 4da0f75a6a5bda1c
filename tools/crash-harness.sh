#!/usr/bin/env bash
# Long-run crash and concurrency harness: runs CrashTests and ConcurrentWriterTests repeatedly with fresh
# seeds (or a fixed one) and many kill points, stopping at the first failure and printing its seed.
#
#   tools/crash-harness.sh                 # 5 rounds of 200 kill points each
#   ROUNDS=20 POINTS=400 tools/crash-harness.sh
#   SEED=135679143 POINTS=50 tools/crash-harness.sh   # reproduce one run
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
POINTS=${POINTS:-200}
swift build --product subledger
swift build --build-tests
for round in $(seq 1 "$ROUNDS"); do
    seed=${SEED:-$(( (RANDOM << 15 | RANDOM) ))}
    echo "== round $round/$ROUNDS: SUBLEDGER_CRASH_SEED=$seed SUBLEDGER_CRASH_POINTS=$POINTS"
    log=$(mktemp)
    if ! SUBLEDGER_CRASH_SEED=$seed SUBLEDGER_CRASH_POINTS=$POINTS \
        swift test --skip-build --filter "CrashTests|ConcurrentWriterTests" >"$log" 2>&1; then
        grep -v '^\[' "$log" | tail -60
        echo "FAILED: reproduce with SUBLEDGER_CRASH_SEED=$seed SUBLEDGER_CRASH_POINTS=$POINTS" >&2
        exit 1
    fi
    grep -E '^(CrashTests|ConcurrentWriterTests):' "$log" || true
    rm -f "$log"
done
echo "all $ROUNDS rounds passed"
