#!/usr/bin/env bash
# One transaction read by id on a closed PostgreSQL ledger (DR-57), old binary against new: `vouchers --tx TX
# --json` (a process each: wall, client CPU, server CPU, peak RSS) and `GET /v1/transactions/TX` from a
# `serve --no-auth` started for the request (wall of the request; CPU of the serve process during it; its
# peak RSS, which includes loading the open state). Each side imports W into its own database once and
# closes January (the old binary cannot open a database at the new one's schema); the reads change nothing,
# so every run reads the same databases, the sides alternating. The outputs are compared byte for byte
# between the sides (both logs written under one fixed clock).
#
#   BENCH_OLD=/old/release BENCH_NEW=/new/.build/release PG=postgresql://subledger@127.0.0.1:PORT \
#   PGDATA_DIR=/cluster/data tools/bench/pg-refs.sh WORKLOAD.jsonl [RUNS] [TX]
#
# PG names a server whose role may create databases (tools/postgres-test-cluster.sh's); PGDATA_DIR its data
# directory, for the server's CPU of the CLI runs: user+sys of the backends the postmaster reaped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
. "$here/pg-harness.sh"
workload=${1:?usage: pg-refs.sh WORKLOAD.jsonl [RUNS] [TX]}
runs=${2:-3}
tx=${3:-S1}
: "${PG:?PG=postgresql://user@host:port (a role that may create databases)}"
bench_check_dirs
BENCH_WORK=$(mktemp -d)
BENCH_RESULTS=$BENCH_WORK/results
serving=
trap '[ -n "$serving" ] && kill "$serving" 2>/dev/null; rm -rf "$BENCH_WORK"' EXIT
pg_server_cpu_init
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# served SIDE: serve the side's database, GET the transaction once, stop; one result line.
served() {
    _side=$1 _port=$((18470 + RANDOM % 500))
    "$(bench_side_dir "$_side")/subledger" serve --no-auth --port "$_port" --db "$PG/refs_$_side" \
>"$BENCH_WORK/serve.out" 2>"$BENCH_WORK/serve.err" &
    serving=$!
    until curl -sf "http://127.0.0.1:$_port/healthz" >/dev/null; do sleep 0.1; done
    _before=$(cpu "$serving") _start=$(bench_now_ns)
    curl -sf "http://127.0.0.1:$_port/v1/transactions/$tx" >"$BENCH_WORK/out.detail.$_side"
    _end=$(bench_now_ns) _after=$(cpu "$serving")
    _kib=$(awk '/VmHWM/ { print $2 }' "/proc/$serving/status")
    kill "$serving" && wait "$serving" || true
    serving=
    sleep 1  # its backend reaped before the next CLI run counts the server's CPU
    awk -v s="$_side" -v a="$_start" -v b="$_end" -v k="$_kib" -v c="$(pg_ticks_to_s "$_before" "$_after")" \
        'BEGIN { printf "detail %s %.4f %d 0 %s\n", s, (b - a) / 1e9, k, c }' >>"$BENCH_RESULTS"
    echo "  detail $_side: $(tail -n 1 "$BENCH_RESULTS")" >&2
}

for side in old new; do
    pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS refs_$side"
    pg_sql "$PG/postgres" "CREATE DATABASE refs_$side"
    "$(bench_side_dir "$side")/subledger" init --db "$PG/refs_$side" >/dev/null
    # One clock and command id for both sides: the events (the detail lists them) hash alike.
    SUBLEDGER_FIXED_CLOCK_MS=1796000000000 "$(bench_side_dir "$side")/subledger" import "$workload" \
        --db "$PG/refs_$side" >/dev/null
    SUBLEDGER_FIXED_CLOCK_MS=1796000000000 "$(bench_side_dir "$side")/subledger" close 2026-01-31 \
        --command-id jan --db "$PG/refs_$side" >/dev/null
done
for run in $(seq 1 "$runs"); do
    echo "run $run" >&2
    for side in $(bench_pair_order "$run"); do
        pg_run "$side" vouchers vouchers --tx "$tx" --json --db "$PG/refs_$side"
        served "$side"
    done
    for query in vouchers detail; do
        cmp -s "$BENCH_WORK/out.$query.old" "$BENCH_WORK/out.$query.new" || echo "run $run: $query differs" >&2
    done
done
pg_table "read of $tx" vouchers detail
for db in refs_old refs_new; do pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"; done
