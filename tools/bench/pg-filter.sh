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
workload=${1:?usage: pg-filter.sh WORKLOAD.jsonl [RUNS]}
runs=${2:-3}
: "${PG:?PG=postgresql://user@host:port (a role that may create databases)}"
: "${PGDATA_DIR:?PGDATA_DIR=the data directory of the cluster}"
BENCH_OLD=$BENCH_NEW
bench_check_dirs
BENCH_WORK=$(mktemp -d)
BENCH_RESULTS=$BENCH_WORK/results
trap 'rm -rf "$BENCH_WORK"' EXIT
sql() { psql -q -X -v ON_ERROR_STOP=1 "$1" -c "$2" >/dev/null; }
subledger=$BENCH_NEW/subledger
postmaster=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
# The postmaster's reaped children's CPU (cutime + cstime), in clock ticks.
reaped() { awk '{ print $16 + $17 }' "/proc/$postmaster/stat"; }
ticks=$(getconf CLK_TCK)

grep -v '"command":"item"' "$workload" | sed 's/"date":"2026-01-/"date":"2026-02-/; s/"tx":"/"tx":"F/' \
    >"$BENCH_WORK/february.jsonl"
sql "$PG/postgres" "DROP DATABASE IF EXISTS filter_tpl"
sql "$PG/postgres" "CREATE DATABASE filter_tpl"
"$subledger" init --db "$PG/filter_tpl" >/dev/null
"$subledger" import "$workload" --db "$PG/filter_tpl" >/dev/null
"$subledger" close 2026-01-31 --db "$PG/filter_tpl" >/dev/null
for run in $(seq 1 "$runs"); do
    for side in $(bench_pair_order "$run"); do
        db=filter_run_$side
        sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"
        sql "$PG/postgres" "CREATE DATABASE $db TEMPLATE filter_tpl"
        if [ "$side" = old ]; then sql "$PG/$db" "UPDATE history_id_filter_coverage SET covered = 0"; fi
        before=$(reaped)
        bench_run "$side" import import "$BENCH_WORK/february.jsonl" --db "$PG/$db"
        sleep 0.2  # the backend's exit reaped
        server=$(awk -v a="$before" -v b="$(reaped)" -v t="$ticks" 'BEGIN { printf "%.2f", (b - a) / t }')
        echo "server $side 0 0 0 $server" >>"$BENCH_RESULTS"
        echo "run $run $side: $(grep "^import $side" "$BENCH_RESULTS" | tail -n 1 | cut -d' ' -f3-)," \
            "server CPU $server s" >&2
    done
done
echo "| import after a close | side | wall | client CPU | server CPU | peak RSS | failures |"
echo "|---|---|---|---|---|---|---|"
for side in old new; do
    echo "| import | $side | $(bench_fmt_s "$(bench_median import $side 3)") |" \
        "$(bench_fmt_s "$(bench_median import $side 6)") | $(bench_fmt_s "$(bench_median server $side 6)") |" \
        "$(bench_fmt_mib "$(bench_median import $side 4)") | $(bench_failures import $side) |"
done
for db in filter_run_old filter_run_new filter_tpl; do sql "$PG/postgres" "DROP DATABASE IF EXISTS $db"; done
