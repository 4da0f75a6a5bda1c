#!/bin/sh
# Month 12 against month 1 (issue 11), one binary, measured fairly: the year is built once, month by month
# with a close after each (the per-month table: CPU, wall and peak RSS of every step), and then month 1's
# and month N's import and close are timed in the same run, alternating, on fresh copies, medians of CPU
# (user + system), wall time and peak RSS.
#
#   tools/bench/month12-fair.sh BIN_DIR [--months 12] [--postings 1000000] [--items 1000] [--runs 3]
#                               [--dir PATH] [--phase all|year|fair]
#
# BIN_DIR holds a release `subledger`. Phase `year` imports the workload (tools/bench/year-workload.awk)
# into DIR/year.db month by month, closing each month, and keeps DIR/A.db (month 1 imported, not closed)
# and DIR/C.db (month N-1 closed: month N's import's starting point). Phase `fair`, per run: month 1's
# import into an empty ledger and its close (the close runs on that fresh A), and month N's import into a
# fresh copy of C and its close (the close runs on that fresh B, the ledger the year had before its last
# close); the order of the two alternates between runs. The year's own ledger is deleted after the year.
# Disk: about 0.65 GB per million postings and month, twice (C and the run's copy of it). Targets: peak
# RSS <= 1.5 GiB at every step; month N's import and close each <= 1.3x month 1's.
set -eu

usage() {
    echo "usage: tools/bench/month12-fair.sh BIN_DIR [--months N] [--postings N] [--items N] [--runs N]" \
        "[--dir PATH] [--phase all|year|fair]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
BENCH_NEW=$(cd "$1" && pwd)
BENCH_OLD=$BENCH_NEW
shift
months=12
postings=1000000
items=1000
runs=3
dir=/tmp/subledger-bench-month12
phase=all
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
        --months) months=$2 ;;
        --postings) postings=$2 ;;
        --items) items=$2 ;;
        --runs) runs=$2 ;;
        --dir) dir=$2 ;;
        --phase) phase=$2 ;;
        *) usage ;;
    esac
    shift 2
done
[ "$months" -ge 2 ] && [ "$months" -le 12 ] || usage
case $phase in all | year | fair) ;; *) usage ;; esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
bench_check_dirs
mkdir -p "$dir/workload"
BENCH_WORK=$dir
last=$(printf "m%02d" "$months")

month_file() { printf "%s/workload/month-%02d.jsonl" "$dir" "$1"; }
remove_db() { rm -f "$1" "$1-wal" "$1-shm"; }

# The year, once: each step its own process, one line per month in DIR/months.txt:
# month import-wall import-KiB import-cpu close-wall close-KiB close-cpu file-bytes
build_year() {
    stamp="$months $postings $items $(cksum <"$here/year-workload.awk")"
    if [ ! -f "$dir/workload/stamp" ] || [ "$(cat "$dir/workload/stamp")" != "$stamp" ]; then
        rm -f "$dir"/workload/month-*.jsonl "$dir/workload/stamp"
        awk -v months="$months" -v postings="$postings" -v items="$items" -v dir="$dir/workload" \
            -f "$here/year-workload.awk"
        echo "$stamp" >"$dir/workload/stamp"
    fi
    BENCH_RESULTS=$dir/year-results.txt
    : >"$BENCH_RESULTS"
    : >"$dir/months.txt"
    db=$dir/year.db
    remove_db "$db"
    bench_run year init init --db "$db"
    printf "%-5s %9s %9s %9s   %9s %9s %9s   %8s\n" month import cpu peak close cpu peak "file MB"
    m=1
    while [ "$m" -le "$months" ]; do
        bench_run year "import-$m" import "$(month_file "$m")" --db "$db"
        import="$BENCH_LAST_SECONDS $BENCH_LAST_KIB $BENCH_LAST_CPU"
        if [ "$m" = 1 ]; then bench_copy_db "$db" "$dir/A.db"; fi
        bench_run year "close-$m" close "$(bench_month_end "$m")" --db "$db"
        close="$BENCH_LAST_SECONDS $BENCH_LAST_KIB $BENCH_LAST_CPU"
        if [ "$m" = $((months - 1)) ]; then bench_copy_db "$db" "$dir/C.db"; fi
        echo "$m $import $close $(bench_db_bytes "$db")" | tee -a "$dir/months.txt" | awk '{
            printf "%-5d %7.2f s %7.2f s %5.0f MiB   %7.2f s %7.2f s %5.0f MiB   %8.1f\n", $1, $2, $4, $3 / 1024,
                $5, $7, $6 / 1024, $8 / 1e6 }'
        m=$((m + 1))
    done
    remove_db "$db"
    awk '{ p = ($3 > p ? $3 : p); p = ($6 > p ? $6 : p) } END {
        printf "  peak RSS over the year: %.0f MiB (target <= 1536 MiB: %s)\n", p / 1024,
            (p / 1024 <= 1536 ? "met" : "not met") }' "$dir/months.txt"
}

# Month 1's import and close against month N's, alternating, fresh copies each run.
fair_month1() {
    remove_db "$dir/run-m01.db"
    bench_run m01 init init --db "$dir/run-m01.db"
    bench_run m01 import import "$(month_file 1)" --db "$dir/run-m01.db"
    bench_run m01 close close 2026-01-31 --db "$dir/run-m01.db"
    remove_db "$dir/run-m01.db"
}
fair_month_n() {
    bench_copy_db "$dir/C.db" "$dir/run-last.db"
    bench_run "$last" import import "$(month_file "$months")" --db "$dir/run-last.db"
    bench_run "$last" close close "$(bench_month_end "$months")" --db "$dir/run-last.db"
    remove_db "$dir/run-last.db"
}
fair() {
    [ -f "$dir/C.db" ] || { echo "no $dir/C.db: run --phase year first" >&2; exit 2; }
    BENCH_RESULTS=$dir/fair-results.txt
    : >"$BENCH_RESULTS"
    run=1
    while [ "$run" -le "$runs" ]; do
        if [ $((run % 2)) = 1 ]; then fair_month1; fair_month_n; else fair_month_n; fair_month1; fi
        run=$((run + 1))
    done
    printf "\n%-7s %-4s %10s %10s %10s   (medians of %d)\n" step side cpu wall peak "$runs"
    for label in import close; do
        for side in m01 "$last"; do
            printf "%-7s %-4s %10s %10s %10s\n" "$label" "$side" \
                "$(bench_fmt_s "$(bench_median "$label" "$side" 6)")" \
                "$(bench_fmt_s "$(bench_median "$label" "$side" 3)")" \
                "$(bench_fmt_mib "$(bench_median "$label" "$side" 4)")"
        done
        awk -v l="$label" -v n="$months" -v a="$(bench_median "$label" m01 6)" \
            -v b="$(bench_median "$label" "$last" 6)" -v c="$(bench_median "$label" m01 3)" \
            -v d="$(bench_median "$label" "$last" 3)" 'BEGIN {
                printf "  %s: month %d / month 1, CPU %.2fx (target <= 1.3x: %s), wall %.2fx\n", l, n, b / a,
                    (b / a <= 1.3 ? "met" : "not met"), d / c }'
    done
    failures=$(awk '$5 != 0 { n++ } END { print n + 0 }' "$BENCH_RESULTS")
    [ "$failures" = 0 ] || echo "  $failures commands FAILED: see $BENCH_RESULTS"
    echo "raw results (label side seconds KiB status cpu): $BENCH_RESULTS"
}

echo "subledger month $months against month 1: $postings postings a month over $items items; $BENCH_NEW"
if [ "$phase" != fair ]; then build_year; fi
if [ "$phase" != year ]; then fair; fi
