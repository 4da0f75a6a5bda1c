#!/bin/sh
# Monthly periods of issue 11: a year of postings imported month by month with a close at each month end,
# old and new binaries side by side; per month the import and close wall time and peak RSS, the file size
# and the size of the close's period snapshot.
#
#   tools/bench/year.sh OLD_DIR NEW_DIR [--months 3] [--postings 100000] [--items 1000] [--old-months K]
#                       [--dir PATH]
#
# OLD_DIR and NEW_DIR each hold a release `subledger` (see tools/bench/commands.sh for building them).
# The default is a quick run (3 months of 100,000 postings). The size of issue 11, about an hour:
#   tools/bench/year.sh OLD NEW --months 12 --postings 1000000 --old-months 3
# --old-months stops the old side after K months: it keeps every posting in memory, so 12 months of 1M
# would grow to several GiB and take most of the run. Disk: about 1 GB per million postings per side.
#
# The workload is tools/bench/year-workload.awk (receipts mostly consumed, a few product receipts invoiced
# later, items defined in month 1, month m dated 2026-m), written once per size under --dir/workload.
# Each month: `import month-MM.jsonl` (one command), then `close` through the month's last day. Targets:
# peak RSS <= 1.5 GiB at every step; the last month's import and close each <= 1.3x month 1's.
set -eu

usage() {
    echo "usage: tools/bench/year.sh OLD_DIR NEW_DIR [--months N] [--postings N] [--items N] [--old-months K]" \
        "[--dir PATH]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
BENCH_OLD=$(cd "$1" && pwd)
BENCH_NEW=$(cd "$2" && pwd)
shift 2
months=3
postings=100000
items=1000
old_months=""
dir=/tmp/subledger-bench-year
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
        --months) months=$2 ;;
        --postings) postings=$2 ;;
        --items) items=$2 ;;
        --old-months) old_months=$2 ;;
        --dir) dir=$2 ;;
        *) usage ;;
    esac
    shift 2
done
[ -n "$old_months" ] || old_months=$months
[ "$months" -ge 1 ] && [ "$months" -le 12 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
bench_check_dirs
mkdir -p "$dir/old" "$dir/new" "$dir/workload"
BENCH_WORK=$dir
BENCH_RESULTS=$dir/results.txt
: >"$BENCH_RESULTS"

echo "subledger year: $months months of $postings postings over $items items (old side: $old_months months)"
echo "  old: $BENCH_OLD"
echo "  new: $BENCH_NEW"
stamp="$months $postings $items $(cksum <"$here/year-workload.awk")"
if [ ! -f "$dir/workload/stamp" ] || [ "$(cat "$dir/workload/stamp")" != "$stamp" ]; then
    rm -f "$dir"/workload/month-*.jsonl "$dir/workload/stamp"
    awk -v months="$months" -v postings="$postings" -v items="$items" -v dir="$dir/workload" \
        -f "$here/year-workload.awk"
    echo "$stamp" >"$dir/workload/stamp"
fi

for side in old new; do
    rm -f "$dir/$side/year.db" "$dir/$side/year.db-wal" "$dir/$side/year.db-shm"
    bench_run "$side" init init --db "$dir/$side/year.db"
done


# The newest snapshot's size in bytes, from `snapshot list --json` (the last "bytes" it lists).
snapshot_bytes() {
    "$(bench_side_dir "$1")/subledger" snapshot list --json --db "$dir/$1/year.db" \
        | grep -o '"bytes":[0-9]*' | tail -n 1 | cut -d: -f2
}

printf "\n%-5s %-4s %9s %8s %9s   %9s %8s %9s   %8s %8s\n" month side import cpu peak close cpu peak "file MB" \
    "snap MB"
: >"$dir/months.txt"
m=1
while [ "$m" -le "$months" ]; do
    file=$(printf "%s/workload/month-%02d.jsonl" "$dir" "$m")
    for side in $(bench_pair_order "$m"); do
        if [ "$side" = old ] && [ "$m" -gt "$old_months" ]; then continue; fi
        db=$dir/$side/year.db
        bench_run "$side" "import-$m" import "$file" --db "$db"
        import="$BENCH_LAST_SECONDS $BENCH_LAST_KIB $BENCH_LAST_CPU"
        bench_run "$side" "close-$m" close "$(bench_month_end "$m")" --db "$db"
        close="$BENCH_LAST_SECONDS $BENCH_LAST_KIB $BENCH_LAST_CPU"
        bytes=$(bench_db_bytes "$db")
        snap=$(snapshot_bytes "$side")
        # month side import-wall import-KiB import-cpu close-wall close-KiB close-cpu file-bytes snapshot-bytes
        echo "$m $side $import $close $bytes ${snap:-0}" | tee -a "$dir/months.txt" | awk '{
            printf "%-5d %-4s %7.2f s %6.2f s %5.0f MiB   %7.2f s %6.2f s %5.0f MiB   %8.1f %8.1f\n", $1, $2, $3, $5,
                $4 / 1024, $6, $8, $7 / 1024, $9 / 1e6, $10 / 1e6 }'
    done
    m=$((m + 1))
done

echo ""
for side in old new; do
    awk -v s="$side" '$2 == s' "$dir/months.txt" | awk -v s="$side" '
        NR == 1 { i1 = $3; c1 = $6; ic1 = $5; cc1 = $8 }
        {
            peak = ($4 > peak ? $4 : peak); peak = ($7 > peak ? $7 : peak)
            last = $1; il = $3; cl = $6; icl = $5; ccl = $8
        }
        END {
            if (NR == 0) { print "  [" s "] no months"; exit }
            printf "  [%s] %d months: peak %.0f MiB (target <= 1536 MiB: %s)\n", s, NR, peak / 1024,
                (peak / 1024 <= 1536 ? "met" : "not met")
            printf "  [%s] month %d / month 1, wall: import %.2fx, close %.2fx (target <= 1.3x: %s); cpu: import %.2fx, close %.2fx\n",
                s, last, il / i1, cl / c1, (il / i1 <= 1.3 && cl / c1 <= 1.3 ? "met" : "not met"),
                (ic1 > 0 ? icl / ic1 : 0), (cc1 > 0 ? ccl / cc1 : 0)
        }'
done
failures=$(awk '$5 != 0 { n++ } END { print n + 0 }' "$BENCH_RESULTS")
[ "$failures" = 0 ] || echo "  $failures commands FAILED: see $BENCH_RESULTS and the messages above"
echo "raw results (label side seconds KiB status): $BENCH_RESULTS; per month: $dir/months.txt"
