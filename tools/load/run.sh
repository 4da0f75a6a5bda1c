#!/usr/bin/env bash
# Load benchmark of `subledger serve` (issue 12): single-command POSTs from N concurrent clients against a
# ledger that already holds the benchmark's postings, GETs of one transaction, and in the same run the rate of
# one-row durable commits raw SQLite makes on this disk (the baseline the group commit multiplies).
#
#   tools/load/run.sh [--postings N] [--clients N] [--seconds S] [--ledger PATH] [--bin DIR] [--keep]
#
# Needs wrk (Debian's `wrk`) and python3. Builds the release binaries. A ledger given with --ledger is copied,
# never written; otherwise one is made: the bench workload of N postings imported and closed through January.
# --bin takes release binaries built already (e.g. with another --scratch-path) instead of building.
set -euo pipefail

postings=1000000 clients=32 seconds=10 ledger="" keep=0 bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --postings) postings="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --ledger) ledger="$2"; shift 2 ;;
        --bin) bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--postings N] [--clients N] [--seconds S] [--ledger PATH] [--bin DIR] [--keep]" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tools/load"
work="$(mktemp -d /tmp/subledger-load.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    [ "$keep" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$bin" ]; then
    swift build -c release --package-path "$root" --product subledger >&2
    swift build -c release --package-path "$root" --product subledger-bench >&2
    bin="$(swift build -c release --package-path "$root" --show-bin-path)"
fi

db="$work/books.db"
if [ -n "$ledger" ]; then
    echo "copying $ledger" >&2
    sqlite3 "$ledger" ".backup '$db'"
else
    echo "making a ledger of $postings postings (import, close 2026-01-31)" >&2
    "$bin/subledger-bench" --postings "$postings" --write-workload "$work/w.jsonl" >/dev/null
    "$bin/subledger" init --db "$db" >/dev/null
    "$bin/subledger" import --db "$db" "$work/w.jsonl" >/dev/null
    "$bin/subledger" close 2026-01-31 --db "$db" >/dev/null
fi

port=$((20000 + RANDOM % 20000))
"$bin/subledger" serve --db "$db" --host 127.0.0.1 --port "$port" --no-auth >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
url="http://127.0.0.1:$port"

echo "== POST /v1/commands: one receipt or issue per request, $clients clients, ${seconds}s"
LOAD_RUN_TAG="$(date +%s)" wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$here/post.lua" "$url"

# A first read after the POSTs projects their events into the history tables; it is not timed.
curl -fsS "$url/v1/transactions/R2" >/dev/null || true
# Items I7, I70, I700 are FIFO and I170 LIFO by date; I17 is weighted average, whose settlements against
# the period's closing receipt are still read from the log (timed apart: see the README).
pick() {
    for item in "$@"; do "$bin/subledger" transactions --db "$db" --item "$item" --json; done |
        python3 -c 'import json, sys; print(",".join(t["tx"] for line in sys.stdin for t in json.loads(line)["transactions"][:50]))'
}
for group in "I7 I70 I700 I170" "I17"; do
    txs="$(pick $group)"
    for readers in 1 4; do
        echo "== GET /v1/transactions/{tx}: transactions of $group, $readers clients, ${seconds}s"
        LOAD_TXS="$txs" wrk -t1 -c"$readers" -d"${seconds}s" --latency -s "$here/get.lua" "$url"
    done
done

# The reads that once held the ledger's queue for seconds (every command waited): one each, timed.
for route in "/v1/transactions?limit=100" "/v1/settlements?limit=100" "/v1/closes" "/v1/reconciliation" \
    "/v1/value?as_of=2026-01-15"; do
    curl -fsS -o /dev/null -w "== GET $route: %{http_code} in %{time_total} s\n" "$url$route" || true
done
echo "== POST /v1/commands, $clients clients, ${seconds}s, while those reads run again one after another"
(for route in "/v1/transactions?limit=100" "/v1/settlements?limit=100" "/v1/closes" "/v1/reconciliation" \
    "/v1/value?as_of=2026-01-15" "/v1/reconciliation"; do curl -fsS -o /dev/null "$url$route" || true; done) &
readers=$!
LOAD_RUN_TAG="$(date +%s)-reads" wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$here/post.lua" "$url"
wait "$readers"

echo "== baseline on the same disk"
python3 "$here/durable-commits.py" "$work/raw.db" 2000
