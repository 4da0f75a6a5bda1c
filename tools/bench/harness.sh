# Shared by the scripts in tools/bench (sourced, not run): old and new binaries
# measured side by side, one process at a time, wall time and peak RSS of each, medians.
#
# A "binary dir" holds a release `subledger` (and, for commands.sh, `subledger-bench`), e.g.
# /work/wt-bench-base/.build/release after `swift build -c release` in that tree.

# bench_side_dir SIDE: the binary dir of side `old` or `new`.
bench_side_dir() {
    if [ "$1" = old ]; then echo "$BENCH_OLD"; else echo "$BENCH_NEW"; fi
}

# bench_check_dirs: both dirs hold an executable subledger.
bench_check_dirs() {
    for _b_side in old new; do
        _b_dir=$(bench_side_dir "$_b_side")
        if [ ! -x "$_b_dir/subledger" ]; then
            echo "no executable $_b_dir/subledger (the $_b_side side): build it with swift build -c release" >&2
            exit 2
        fi
    done
    if [ ! -x /usr/bin/time ]; then
        echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2
        exit 2
    fi
}

# bench_now_ns: monotonic enough wall clock in nanoseconds.
bench_now_ns() { date +%s%N; }

# bench_run SIDE LABEL ARGS...: runs `subledger ARGS` of SIDE once, stdout to $BENCH_WORK/last.out, and
# appends "LABEL SIDE SECONDS KIB STATUS CPU" to $BENCH_RESULTS. Wall time is taken around the process with
# nanosecond clocks (GNU time prints only hundredths); the peak RSS (%M, KiB) and the CPU time (user +
# system, hundredths) come from GNU time. CPU time is the steadier figure on a machine others share.
bench_run() {
    _b_side=$1
    _b_label=$2
    shift 2
    _b_binary="$(bench_side_dir "$_b_side")/subledger"
    _b_start=$(bench_now_ns)
    _b_status=0
    /usr/bin/time -f "%M %U %S" -o "$BENCH_WORK/time.out" "$_b_binary" "$@" >"$BENCH_WORK/last.out" \
        2>"$BENCH_WORK/last.err" || _b_status=$?
    _b_end=$(bench_now_ns)
    BENCH_LAST_KIB=$(tail -n 1 "$BENCH_WORK/time.out" | cut -d' ' -f1)
    BENCH_LAST_CPU=$(tail -n 1 "$BENCH_WORK/time.out" | awk '{ printf "%.2f", $2 + $3 }')
    BENCH_LAST_SECONDS=$(awk -v a="$_b_start" -v b="$_b_end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
    echo "$_b_label $_b_side $BENCH_LAST_SECONDS $BENCH_LAST_KIB $_b_status $BENCH_LAST_CPU" >>"$BENCH_RESULTS"
    if [ "$_b_status" != 0 ]; then
        echo "  [$_b_side] subledger $* exited $_b_status: $(head -c 300 "$BENCH_WORK/last.err")" >&2
    fi
}

# bench_pair_order RUN: "old new" on odd runs, "new old" on even ones, so neither side always goes first.
bench_pair_order() {
    if [ $(($1 % 2)) = 1 ]; then echo "old new"; else echo "new old"; fi
}

# bench_median LABEL SIDE FIELD: the median of FIELD (3 = seconds, 4 = KiB, 6 = CPU seconds) over the results
# of LABEL and SIDE.
bench_median() {
    awk -v l="$1" -v s="$2" -v f="$3" '$1 == l && $2 == s { print $f }' "$BENCH_RESULTS" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "-"; exit }
            if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

# bench_failures LABEL SIDE: how many runs of LABEL on SIDE exited non-zero.
bench_failures() {
    awk -v l="$1" -v s="$2" '$1 == l && $2 == s && $5 != 0 { n++ } END { print n + 0 }' "$BENCH_RESULTS"
}

# bench_fmt_s SECONDS / bench_fmt_mib KIB: table cells.
bench_fmt_s() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else if (v < 10) printf "%.3f s", v; else printf "%.2f s", v }'; }
bench_fmt_mib() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.0f MiB", v / 1024 }'; }

# bench_month_end MONTH: YYYY-MM-DD, the month's last day in 2026 (the year workload's year).
bench_month_end() {
    case $1 in
        2) echo 2026-02-28 ;;
        4 | 6 | 9 | 11) printf "2026-%02d-30\n" "$1" ;;
        *) printf "2026-%02d-31\n" "$1" ;;
    esac
}

# bench_copy_db FROM TO: copies a ledger file with its WAL and SHM (no process has it open).
bench_copy_db() {
    rm -f "$2" "$2-wal" "$2-shm"
    for _b_suffix in "" -wal -shm; do
        if [ -f "$1$_b_suffix" ]; then cp "$1$_b_suffix" "$2$_b_suffix"; fi
    done
}

# bench_db_bytes DB: the ledger's size on disk, WAL included.
bench_db_bytes() {
    _b_total=0
    for _b_suffix in "" -wal; do
        if [ -f "$1$_b_suffix" ]; then _b_total=$((_b_total + $(stat -c %s "$1$_b_suffix"))); fi
    done
    echo "$_b_total"
}
