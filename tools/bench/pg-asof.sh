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
workload=${1:?usage: pg-asof.sh WORKLOAD.jsonl [RUNS] [DATE...]}
runs=${2:-3}
shift $(($# < 2 ? $# : 2))
days=("${@:-2026-01-20}")
: "${PG:?PG=postgresql://user@host:port (a role that may create databases)}"
: "${PGDATA_DIR:?PGDATA_DIR=the data directory of the cluster}"
bench_check_dirs
BENCH_WORK=$(mktemp -d)
BENCH_RESULTS=$BENCH_WORK/results
trap 'rm -rf "$BENCH_WORK"' EXIT
sql() { psql -q -X -v ON_ERROR_STOP=1 "$1" -c "$2" >/dev/null; }
postmaster=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
reaped() { awk '{ print $16 + $17 }' "/proc/$postmaster/stat"; }
ticks=$(getconf CLK_TCK)

# timed SIDE LABEL ARGS...: bench_run, the server's CPU beside it, the output kept for the comparison.
timed() {
    _side=$1 _label=$2
    shift 2
    _before=$(reaped)
    bench_run "$_side" "$_label" "$@"
    sleep 0.2  # the backend's exit reaped
    _server=$(awk -v a="$_before" -v b="$(reaped)" -v t="$ticks" 'BEGIN { printf "%.2f", (b - a) / t }')
    echo "server-$_label $_side 0 0 0 $_server" >>"$BENCH_RESULTS"
    cp "$BENCH_WORK/last.out" "$BENCH_WORK/out.$_label.$_side"
    echo "  $_label $_side: $BENCH_LAST_SECONDS s, CPU $BENCH_LAST_CPU s, server $_server s" >&2
}

for side in old new; do
    sql "$PG/postgres" "DROP DATABASE IF EXISTS asof_tpl_$side"
    sql "$PG/postgres" "CREATE DATABASE asof_tpl_$side"
    "$(bench_side_dir "$side")/subledger" init --db "$PG/asof_tpl_$side" >/dev/null
    "$(bench_side_dir "$side")/subledger" import "$workload" --db "$PG/asof_tpl_$side" >/dev/null
done
queries=(closes)
for day in "${days[@]}"; do queries+=("reconcile@$day" "gl@$day" "value@$day"); done
for run in $(seq 1 "$runs"); do
    echo "run $run" >&2
    for side in $(bench_pair_order "$run"); do
        db=asof_run_$side
        sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"
        sql "$PG/postgres" "CREATE DATABASE $db TEMPLATE asof_tpl_$side"
        timed "$side" close close 2026-01-31 --db "$PG/$db"
        # `closes` right after the close: a post leaves the history behind the log until a query projects it.
        timed "$side" closes closes --json --db "$PG/$db"
        "$(bench_side_dir "$side")/subledger" post receive --date 2026-02-02 --item I0 --tx FEB-R1 --qty 1 \
            --cost 10 --site S1 --db "$PG/$db" >/dev/null
        for query in "${queries[@]:1}"; do
            timed "$side" "$query" "${query%@*}" --as-of "${query#*@}" --json --db "$PG/$db"
        done
    done
    for query in "${queries[@]}"; do
        cmp -s "$BENCH_WORK/out.$query.old" "$BENCH_WORK/out.$query.new" || echo "run $run: $query differs" >&2
    done
done
echo "| command | side | wall | client CPU | server CPU | peak RSS | failures |"
echo "|---|---|---|---|---|---|---|"
for label in close "${queries[@]}"; do
    for side in old new; do
        echo "| $label | $side | $(bench_fmt_s "$(bench_median "$label" $side 3)") |" \
            "$(bench_fmt_s "$(bench_median "$label" $side 6)") |" \
            "$(bench_fmt_s "$(bench_median "server-$label" $side 6)") |" \
            "$(bench_fmt_mib "$(bench_median "$label" $side 4)") | $(bench_failures "$label" $side) |"
    done
done
for db in asof_run_old asof_run_new asof_tpl_old asof_tpl_new; do sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"; done
