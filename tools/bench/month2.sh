#!/bin/sh
# Month 1's close against month 2's (issue 11, DR-44, DR-48), old and new binaries side by side: the
# closes after month 1 is imported and after month 2 is, each on a fresh copy of a ledger the side made
# itself (`tools/bench/year-workload.awk`), the sides alternating, medians of CPU (user + system), wall
# time and peak RSS. Quicker than tools/bench/year.sh and with repeated runs: only the two closes are timed.
#
#   tools/bench/month2.sh OLD_DIR NEW_DIR [--postings 200000] [--items 1000] [--runs 3] [--dir PATH]
#
# OLD_DIR and NEW_DIR each hold a release `subledger`. Disk: about 0.7 GB per million postings per side.
set -eu

usage() {
    echo "usage: tools/bench/month2.sh OLD_DIR NEW_DIR [--postings N] [--items N] [--runs N] [--dir PATH]" >&2
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
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
        --postings) postings=$2 ;;
        --items) items=$2 ;;
        --runs) runs=$2 ;;
        --dir) dir=$2 ;;
        *) usage ;;
    esac
    shift 2
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
bench_check_dirs
mkdir -p "$dir/old" "$dir/new" "$dir/workload"
BENCH_WORK=$dir
BENCH_RESULTS=$dir/results.txt
: >"$BENCH_RESULTS"

stamp="2 $postings $items $(cksum <"$here/year-workload.awk")"
if [ ! -f "$dir/workload/stamp" ] || [ "$(cat "$dir/workload/stamp")" != "$stamp" ]; then
    rm -f "$dir"/workload/month-*.jsonl "$dir/workload/stamp"
    awk -v months=2 -v postings="$postings" -v items="$items" -v dir="$dir/workload" -f "$here/year-workload.awk"
    echo "$stamp" >"$dir/workload/stamp"
fi

echo "subledger month 2: closes of months 1 and 2 at $postings postings a month, $runs runs"
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
    bench_run "$side" prepare import "$dir/workload/month-02.jsonl" --db "$d/month2.db"
done

run=1
while [ "$run" -le "$runs" ]; do
    for side in $(bench_pair_order "$run"); do
        d=$dir/$side
        bench_copy_db "$d/month1.db" "$d/run.db"
        bench_run "$side" close-1 close 2026-01-31 --db "$d/run.db"
        bench_copy_db "$d/month2.db" "$d/run.db"
        bench_run "$side" close-2 close 2026-02-28 --db "$d/run.db"
    done
    run=$((run + 1))
done
rm -f "$dir"/*/run.db "$dir"/*/run.db-wal "$dir"/*/run.db-shm

printf "\n%-8s %-4s %10s %10s %10s\n" close side cpu wall peak
for label in close-1 close-2; do
    for side in old new; do
        printf "%-8s %-4s %10s %10s %10s\n" "$label" "$side" "$(bench_fmt_s "$(bench_median "$label" "$side" 6)")" \
            "$(bench_fmt_s "$(bench_median "$label" "$side" 3)")" "$(bench_fmt_mib "$(bench_median "$label" "$side" 4)")"
    done
done
for side in old new; do
    awk -v s="$side" -v a="$(bench_median close-1 "$side" 6)" -v b="$(bench_median close-2 "$side" 6)" \
        'BEGIN { if (a > 0) printf "  [%s] month 2 / month 1, CPU: %.2fx (target <= 1.3x)\n", s, b / a }'
done
failures=$(awk '$5 != 0 { n++ } END { print n + 0 }' "$BENCH_RESULTS")
[ "$failures" = 0 ] || echo "  $failures commands FAILED: see $BENCH_RESULTS"
echo "raw results (label side seconds KiB status cpu): $BENCH_RESULTS"
