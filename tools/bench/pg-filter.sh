#!/usr/bin/env bash
# The filter of closed ids on PostgreSQL (DR-53): an import of new ids after a close, with the filter and
# without it (as before DR-53: every id looked up, one round trip each). A workload W is imported and its
# January closed once into a template database; the import is then W's postings again, moved to February
# under new ids (F...), into a fresh copy per run. "old" marks the copy's filter not covering (the coverage
# row PostgreSQL migration 6 sets on a database that predates it), so the ledger reads no filter and looks
# every id up, the path main takes on PostgreSQL; "new" uses the filter the close wrote. One binary, so the
# two sides differ in nothing else.
#
#   BENCH_NEW=/new/.build/release PG=postgresql://subledger@127.0.0.1:PORT PGDATA_DIR=/cluster/data \
#   tools/bench/pg-filter.sh WORKLOAD.jsonl [RUNS]
#
# PG names a server whose role may create databases (tools/postgres-test-cluster.sh's); PGDATA_DIR its data
# directory, for the server's CPU: user+sys of the backends the postmaster reaped during a run (the
# client's connection ends with the run). Prints medians of wall, client CPU, server CPU and peak RSS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
. "$here/pg-harness.sh"
workload=${1:?usage: pg-filter.sh WORKLOAD.jsonl [RUNS]}
runs=${2:-3}
: "${PG:?PG=postgresql://user@host:port (a role that may create databases)}"
BENCH_OLD=$BENCH_NEW
bench_check_dirs
BENCH_WORK=$(mktemp -d)
BENCH_RESULTS=$BENCH_WORK/results
trap 'rm -rf "$BENCH_WORK"' EXIT
subledger=$BENCH_NEW/subledger
pg_server_cpu_init

grep -v '"command":"item"' "$workload" | sed 's/"date":"2026-01-/"date":"2026-02-/; s/"tx":"/"tx":"F/' \
    >"$BENCH_WORK/february.jsonl"
pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS filter_tpl"
pg_sql "$PG/postgres" "CREATE DATABASE filter_tpl"
"$subledger" init --db "$PG/filter_tpl" >/dev/null
"$subledger" import "$workload" --db "$PG/filter_tpl" >/dev/null
"$subledger" close 2026-01-31 --db "$PG/filter_tpl" >/dev/null
for run in $(seq 1 "$runs"); do
    echo "run $run" >&2
    for side in $(bench_pair_order "$run"); do
        db=filter_run_$side
        pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"
        pg_sql "$PG/postgres" "CREATE DATABASE $db TEMPLATE filter_tpl"
        if [ "$side" = old ]; then pg_sql "$PG/$db" "UPDATE history_id_filter_coverage SET covered = 0"; fi
        pg_run "$side" import import "$BENCH_WORK/february.jsonl" --db "$PG/$db"
    done
done
pg_table "import after a close" import
for db in filter_run_old filter_run_new filter_tpl; do pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"; done
