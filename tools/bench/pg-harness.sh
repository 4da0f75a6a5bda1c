# Shared by the PostgreSQL benchmarks (tools/bench/pg-*.sh; sourced after harness.sh, not run): SQL against
# the cluster, and the server's CPU beside each client run.
#
# The server's CPU is read from the cluster's data directory (PGDATA_DIR): the postmaster's reaped
# children's user + system time. A command's connection ends with its process, so its backend's CPU is
# counted once the postmaster has reaped it.

# pg_sql URL SQL: runs SQL quietly, stopping at the first error.
pg_sql() { psql -q -X -v ON_ERROR_STOP=1 "$1" -c "$2" >/dev/null; }

# pg_server_cpu_init: finds the postmaster of PGDATA_DIR and the clock's ticks per second.
pg_server_cpu_init() {
    : "${PGDATA_DIR:?PGDATA_DIR=the data directory of the cluster}"
    _pg_postmaster=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
    _pg_ticks=$(getconf CLK_TCK)
}

# pg_reaped: the postmaster's reaped children's CPU (cutime + cstime), in clock ticks.
pg_reaped() { awk '{ print $16 + $17 }' "/proc/$_pg_postmaster/stat"; }

# pg_ticks_to_s BEFORE AFTER: the ticks between two readings, in seconds.
pg_ticks_to_s() { awk -v a="$1" -v b="$2" -v t="$_pg_ticks" 'BEGIN { printf "%.2f", (b - a) / t }'; }

# pg_run SIDE LABEL ARGS...: bench_run, then "server-LABEL SIDE 0 0 0 SECONDS" for the backend's CPU in
# $BENCH_RESULTS; the output is kept in $BENCH_WORK/out.LABEL.SIDE for comparing the sides.
pg_run() {
    _pg_side=$1 _pg_label=$2
    shift 2
    _pg_before=$(pg_reaped)
    bench_run "$_pg_side" "$_pg_label" "$@"
    sleep 0.2  # the backend's exit reaped
    PG_LAST_SERVER=$(pg_ticks_to_s "$_pg_before" "$(pg_reaped)")
    echo "server-$_pg_label $_pg_side 0 0 0 $PG_LAST_SERVER" >>"$BENCH_RESULTS"
    cp "$BENCH_WORK/last.out" "$BENCH_WORK/out.$_pg_label.$_pg_side"
    echo "  $_pg_label $_pg_side: $BENCH_LAST_SECONDS s, CPU $BENCH_LAST_CPU s, server $PG_LAST_SERVER s" >&2
}

# pg_table TITLE LABEL...: the medians of each LABEL on both sides, with the server's CPU.
pg_table() {
    echo "| $1 | side | wall | client CPU | server CPU | peak RSS | failures |"
    echo "|---|---|---|---|---|---|---|"
    shift
    for _pg_label in "$@"; do
        for _pg_side in old new; do
            echo "| $_pg_label | $_pg_side | $(bench_fmt_s "$(bench_median "$_pg_label" $_pg_side 3)") |" \
                "$(bench_fmt_s "$(bench_median "$_pg_label" $_pg_side 6)") |" \
                "$(bench_fmt_s "$(bench_median "server-$_pg_label" $_pg_side 6)") |" \
                "$(bench_fmt_mib "$(bench_median "$_pg_label" $_pg_side 4)") |" \
                "$(bench_failures "$_pg_label" $_pg_side) |"
        done
    done
}
