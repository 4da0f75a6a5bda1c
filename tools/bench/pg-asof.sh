#!/usr/bin/env bash
# The history tables a PostgreSQL ledger's queries read (DR-56): `closes`, and `reconcile`, `gl`, `value`
# as of a closed date, on a closed ledger of a workload W, old binary against new. Each side imports W into
# a template database of its own once (the old binary cannot open a database at the new one's schema); each
# run copies the side's template, closes January (timed: the new close also fills the as-of day sums), lists
# the closes, posts one receipt dated in February (so that January's dates are past ones) and runs the
# queries once each as of each DATE, the sides alternating. Every query's output is compared between the sides.
#
#   BENCH_OLD=/old/release BENCH_NEW=/new/.build/release PG=postgresql://subledger@127.0.0.1:PORT \
#   PGDATA_DIR=/cluster/data tools/bench/pg-asof.sh WORKLOAD.jsonl [RUNS] [DATE...]
#
# PG names a server whose role may create databases (tools/postgres-test-cluster.sh's); PGDATA_DIR its data
# directory, for the server's CPU: user+sys of the backends the postmaster reaped during a command. Prints
# medians of wall, client CPU, server CPU and peak RSS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
. "$here/pg-harness.sh"
workload=${1:?usage: pg-asof.sh WORKLOAD.jsonl [RUNS] [DATE...]}
runs=${2:-3}
shift $(($# < 2 ? $# : 2))
days=("${@:-2026-01-20}")
: "${PG:?PG=postgresql://user@host:port (a role that may create databases)}"
bench_check_dirs
BENCH_WORK=$(mktemp -d)
BENCH_RESULTS=$BENCH_WORK/results
trap 'rm -rf "$BENCH_WORK"' EXIT
pg_server_cpu_init

for side in old new; do
    pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS asof_tpl_$side"
    pg_sql "$PG/postgres" "CREATE DATABASE asof_tpl_$side"
    "$(bench_side_dir "$side")/subledger" init --db "$PG/asof_tpl_$side" >/dev/null
    "$(bench_side_dir "$side")/subledger" import "$workload" --db "$PG/asof_tpl_$side" >/dev/null
done
queries=(closes)
for day in "${days[@]}"; do queries+=("reconcile@$day" "gl@$day" "value@$day"); done
for run in $(seq 1 "$runs"); do
    echo "run $run" >&2
    for side in $(bench_pair_order "$run"); do
        db=asof_run_$side
        pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"
        pg_sql "$PG/postgres" "CREATE DATABASE $db TEMPLATE asof_tpl_$side"
        pg_run "$side" close close 2026-01-31 --db "$PG/$db"
        # `closes` right after the close: a post leaves the history behind the log until a query projects it.
        pg_run "$side" closes closes --json --db "$PG/$db"
        "$(bench_side_dir "$side")/subledger" post receive --date 2026-02-02 --item I0 --tx FEB-R1 --qty 1 \
            --cost 10 --site S1 --db "$PG/$db" >/dev/null
        for query in "${queries[@]:1}"; do
            pg_run "$side" "$query" "${query%@*}" --as-of "${query#*@}" --json --db "$PG/$db"
        done
    done
    for query in "${queries[@]}"; do
        cmp -s "$BENCH_WORK/out.$query.old" "$BENCH_WORK/out.$query.new" || echo "run $run: $query differs" >&2
    done
done
pg_table command close "${queries[@]}"
for db in asof_run_old asof_run_new asof_tpl_old asof_tpl_new; do
    pg_sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"
done
