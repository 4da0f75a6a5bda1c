#!/bin/sh
# Month 1's close against month 2's (issue 11, DR-44, DR-48), old and new binaries side by side: the
# closes after month 1 is imported and after month 2 is, each on a fresh copy of a ledger the side made
# itself (`tools/bench/year-workload.awk`), the sides alternating, medians of CPU (user + system), wall
# time and peak RSS. Quicker than tools/bench/year.sh and with repeated runs: only the two closes are timed.
# With `--imports yes` the imports are timed too (DR-52): month 1's into an empty ledger, month 2's into a
# copy of the ledger with month 1 closed and, with `--months 3`, month 3's into one with months 1 and 2
# closed; `--closes no` leaves the closes out.
#
#   tools/bench/month2.sh OLD_DIR NEW_DIR [--postings 200000] [--items 1000] [--runs 3] [--dir PATH]
#                         [--imports no|yes] [--closes yes|no] [--months 2|3]
#
# OLD_DIR and NEW_DIR each hold a release `subledger`. Disk: about 0.7 GB per million postings per side.
set -eu

usage() {
    echo "usage: tools/bench/month2.sh OLD_DIR NEW_DIR [--postings N] [--items N] [--runs N] [--dir PATH]" \
        "[--imports no|yes] [--closes yes|no] [--months 2|3]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
BENCH_OLD=$(cd "$1" && pwd)
BENCH_NEW=$(cd "$2" && pwd)
shift 2
postings=200000
items=1000
runs=3
dir=/tmp/subledger-bench-month2
imports=no
closes=yes
months=2
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
        --postings) postings=$2 ;;
        --items) items=$2 ;;
        --runs) runs=$2 ;;
        --dir) dir=$2 ;;
        --imports) imports=$2 ;;
        --closes) closes=$2 ;;
        --months) months=$2 ;;
        *) usage ;;
    esac
    shift 2
done
case "$imports $closes $months" in "no yes 2" | "no yes 3" | "yes "*" 2" | "yes "*" 3") ;; *) usage ;; esac
case $closes in yes | no) ;; *) usage ;; esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
bench_check_dirs
mkdir -p "$dir/old" "$dir/new" "$dir/workload"
BENCH_WORK=$dir
BENCH_RESULTS=$dir/results.txt
: >"$BENCH_RESULTS"

stamp="$months $postings $items $(cksum <"$here/year-workload.awk")"
if [ ! -f "$dir/workload/stamp" ] || [ "$(cat "$dir/workload/stamp")" != "$stamp" ]; then
    rm -f "$dir"/workload/month-*.jsonl "$dir/workload/stamp"
    awk -v months="$months" -v postings="$postings" -v items="$items" -v dir="$dir/workload" \
        -f "$here/year-workload.awk"
    echo "$stamp" >"$dir/workload/stamp"
fi

echo "subledger month 2: closes $closes, imports $imports (months 1-$months)," \
    "$postings postings a month, $runs runs"
echo "  old: $BENCH_OLD"
echo "  new: $BENCH_NEW"
# Per side: month 1 imported (the month-1 close's starting point), and that closed with month 2 imported
# (the month-2 close's). Untimed: made once, copied before every timed close.
for side in old new; do
    d=$dir/$side
    rm -f "$d"/*.db "$d"/*.db-wal "$d"/*.db-shm
    bench_run "$side" prepare init --db "$d/month1.db"
    bench_run "$side" prepare import "$dir/workload/month-01.jsonl" --db "$d/month1.db"
    bench_copy_db "$d/month1.db" "$d/month2.db"
    bench_run "$side" prepare close 2026-01-31 --db "$d/month2.db"
    # The starting points of the imports: an empty ledger, month 1 closed, months 1 and 2 closed.
    if [ "$imports" = yes ]; then
        bench_run "$side" prepare init --db "$d/empty.db"
        bench_copy_db "$d/month2.db" "$d/closed1.db"
    fi
    bench_run "$side" prepare import "$dir/workload/month-02.jsonl" --db "$d/month2.db"
    if [ "$imports" = yes ] && [ "$months" = 3 ]; then
        bench_copy_db "$d/month2.db" "$d/closed2.db"
        bench_run "$side" prepare close 2026-02-28 --db "$d/closed2.db"
    fi
done
labels=
if [ "$closes" = yes ]; then labels="close-1 close-2"; fi
if [ "$imports" = yes ]; then
    labels="$labels import-1 import-2"
    if [ "$months" = 3 ]; then labels="$labels import-3"; fi
fi

run=1
while [ "$run" -le "$runs" ]; do
    for side in $(bench_pair_order "$run"); do
        d=$dir/$side
        if [ "$closes" = yes ]; then
            bench_copy_db "$d/month1.db" "$d/run.db"
            bench_run "$side" close-1 close 2026-01-31 --db "$d/run.db"
            bench_copy_db "$d/month2.db" "$d/run.db"
            bench_run "$side" close-2 close 2026-02-28 --db "$d/run.db"
        fi
        if [ "$imports" = yes ]; then
            for m in $(seq 1 "$months"); do
                from=$d/empty.db
                if [ "$m" -gt 1 ]; then from=$d/closed$((m - 1)).db; fi
                bench_copy_db "$from" "$d/run.db"
                bench_run "$side" "import-$m" import "$dir/workload/month-0$m.jsonl" --db "$d/run.db"
            done
        fi
    done
    run=$((run + 1))
done
rm -f "$dir"/*/run.db "$dir"/*/run.db-wal "$dir"/*/run.db-shm

printf "\n%-8s %-4s %10s %10s %10s\n" step side cpu wall peak
for label in $labels; do
    for side in old new; do
        printf "%-8s %-4s %10s %10s %10s\n" "$label" "$side" "$(bench_fmt_s "$(bench_median "$label" "$side" 6)")" \
            "$(bench_fmt_s "$(bench_median "$label" "$side" 3)")" "$(bench_fmt_mib "$(bench_median "$label" "$side" 4)")"
    done
done
for step in close import; do
    for m in 2 3; do
        case " $labels " in *" $step-$m "*) ;; *) continue ;; esac
        for side in old new; do
            awk -v s="$side" -v a="$(bench_median "$step-1" "$side" 6)" \
                -v b="$(bench_median "$step-$m" "$side" 6)" -v t="$step" -v m="$m" 'BEGIN {
                    if (a > 0) printf "  [%s] %s, month %d / month 1, CPU: %.2fx (target <= 1.3x)\n", s, t, m, b / a }'
        done
    done
done
failures=$(awk '$5 != 0 { n++ } END { print n + 0 }' "$BENCH_RESULTS")
[ "$failures" = 0 ] || echo "  $failures commands FAILED: see $BENCH_RESULTS"
echo "raw results (label side seconds KiB status cpu): $BENCH_RESULTS"
