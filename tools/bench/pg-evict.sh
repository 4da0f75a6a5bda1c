#!/usr/bin/env bash
# Eviction on PostgreSQL (DR-50), old and new side by side: the first close of a workload on a database,
# the period snapshot it stores, and what opening the closed ledger then costs (`onhand --item`, which
# loads the newest snapshot and folds the tail). Each side imports the workload once into a template
# database (its own schema version); every run closes a fresh copy (`CREATE DATABASE ... TEMPLATE`).
#
#   BENCH_OLD=/old/.build/release BENCH_NEW=/new/.build/release PG=postgresql://subledger@127.0.0.1:PORT \
#   tools/bench/pg-evict.sh WORKLOAD.jsonl [RUNS] [CLOSE-DATE] [ITEM]
#
# PG names a server whose role may create databases (tools/postgres-test-cluster.sh's). Prints medians of
# wall, CPU (user+sys of the client) and peak RSS per step, and the snapshot's size per side.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
workload=${1:?usage: pg-evict.sh WORKLOAD.jsonl [RUNS] [CLOSE-DATE] [ITEM]}
runs=${2:-3}
close=${3:-2026-01-31}
item=${4:-I7}
: "${PG:?PG=postgresql://user@host:port (a role that may create databases)}"
bench_check_dirs
BENCH_WORK=$(mktemp -d)
BENCH_RESULTS=$BENCH_WORK/results
trap 'rm -rf "$BENCH_WORK"' EXIT
sql() { psql -q -X -v ON_ERROR_STOP=1 "$PG/postgres" -c "$1" >/dev/null; }

for side in old new; do
    sql "DROP DATABASE IF EXISTS evict_tpl_$side"
    sql "CREATE DATABASE evict_tpl_$side"
    "$(bench_side_dir $side)/subledger" init --db "$PG/evict_tpl_$side" >/dev/null
    "$(bench_side_dir $side)/subledger" import "$workload" --db "$PG/evict_tpl_$side" >/dev/null
done
for run in $(seq 1 "$runs"); do
    for side in $(bench_pair_order "$run"); do
        db=evict_run_$side
        sql "DROP DATABASE IF EXISTS $db"
        sql "CREATE DATABASE $db TEMPLATE evict_tpl_$side"
        bench_run "$side" close close "$close" --db "$PG/$db"
        bench_run "$side" open onhand --item "$item" --db "$PG/$db"
        "$(bench_side_dir $side)/subledger" snapshot list --json --db "$PG/$db" \
            | tr '{' '\n' | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' | tail -n 1 >"$BENCH_WORK/bytes.$side"
        echo "run $run $side: close $(grep "^close $side" "$BENCH_RESULTS" | tail -n 1 | cut -d' ' -f3-)," \
            "open $(grep "^open $side" "$BENCH_RESULTS" | tail -n 1 | cut -d' ' -f3-)," \
            "snapshot $(cat "$BENCH_WORK/bytes.$side") B" >&2
    done
done
echo "| step | side | wall | CPU | peak RSS | failures |"
echo "|---|---|---|---|---|---|"
for label in close open; do
    for side in old new; do
        echo "| $label | $side | $(bench_fmt_s "$(bench_median $label $side 3)") |" \
            "$(bench_fmt_s "$(bench_median $label $side 6)") | $(bench_fmt_mib "$(bench_median $label $side 4)") |" \
            "$(bench_failures $label $side) |"
    done
done
for side in old new; do echo "snapshot bytes ($side): $(cat "$BENCH_WORK/bytes.$side")"; done
for side in old new; do sql "DROP DATABASE IF EXISTS evict_run_$side"; sql "DROP DATABASE IF EXISTS evict_tpl_$side"; done
