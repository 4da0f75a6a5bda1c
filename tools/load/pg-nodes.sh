#!/usr/bin/env bash
# Issue 14's POST benchmark, in one run on one machine: (a) pgbench's own one-row insert rate on the
# PostgreSQL server, 32 clients; (b) two `subledger serve --db postgresql://...` nodes on one database,
# 16 wrk connections each, single-command POSTs as post.lua makes them (the sum of both nodes' rates);
# (b1) ONE such node with 32 connections; (c) the same 32 clients on ONE SQLite serve node, for reference.
# Each figure is the median of --runs runs, interleaved (a, b, b1, c, a, b, b1, c, ...); after each node
# run, the nodes' shutdown lines (groups, their sizes, transactions rolled back and redone, a group's mean
# phases) and, for (a), (b) and (b1), the CPU per request (DR-51): the nodes' and the client's (wrk, pgbench)
# user+sys time, and the cluster's (the postmaster, its backends live and exited), over the run. The
# PostgreSQL server is a throwaway cluster (tools/postgres-test-cluster.sh) on loopback, run once per setting:
#   durable  fsync=on, synchronous_commit=on: what a ledger runs with (the disk's flush decides pgbench)
#   fast     fsync=off, synchronous_commit=on: as the test cluster runs
# Also, per setting, `import` of the workload into an empty ledger, with synchronous_commit on and off.
#
#   tools/load/pg-nodes.sh [--seconds S] [--runs N] [--settings durable|fast|both] [--workload PATH]
#                          [--bin DIR] [--sqlite-only] [--no-nodes] [--keep]
#
# --bin takes release binaries built already; otherwise they are built. The ledgers are the workload
# (default /tmp/ingest-w100k.jsonl, made by `subledger-bench --write-workload`) imported into an empty
# ledger. --no-nodes leaves out (b) (a build whose `serve` refuses PostgreSQL); --sqlite-only runs (c) only.
# Needs wrk, pgbench, psql and python3; as root the cluster runs as the `postgres` user.
set -euo pipefail

seconds=10 runs=3 settings=both workload=/tmp/ingest-w100k.jsonl bin="" keep=0 nodes=1 postgres=1
usage="usage: $0 [--seconds S] [--runs N] [--settings durable|fast|both] [--workload PATH] [--bin DIR] [--sqlite-only] [--no-nodes] [--keep]"
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --settings) settings="$2"; shift 2 ;;
        --workload) workload="$2"; shift 2 ;;
        --bin) bin="$2"; shift 2 ;;
        --sqlite-only) postgres=0; shift ;;
        --no-nodes) nodes=0; shift ;;
        --keep) keep=1; shift ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
case "$settings" in durable) settings_list="durable" ;; fast) settings_list="fast" ;;
    both) settings_list="durable fast" ;; *) echo "$usage" >&2; exit 2 ;; esac
for tool in wrk pgbench psql python3 curl; do
    command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done
[ -f "$workload" ] || { echo "no workload at $workload (subledger-bench --write-workload)" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tools/load"
work="$(mktemp -d /tmp/subledger-pg-nodes.XXXXXX)"
chmod 755 "$work"
node_pids=() cluster=""
stop_nodes() {
    for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    node_pids=()
}
cleanup() {
    stop_nodes
    [ -n "$cluster" ] && "$root/tools/postgres-test-cluster.sh" stop "$cluster" || true
    [ "$keep" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$bin" ]; then
    swift build -c release --package-path "$root" --product subledger >&2
    bin="$(swift build -c release --package-path "$root" --show-bin-path)"
fi
subledger="$bin/subledger"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# `Requests/sec:` of a wrk output file.
wrk_rate() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }

# Starts `subledger serve` on $1 (a file or URL) with --port 0; sets `url` to the URL it listens on. Not
# run in a $(...) subshell: the node's pid must reach `node_pids` for `stop_nodes` (a node left running
# catches up with every later run's appends and skews it).
start_node() {
    local db="$1" log="$2"
    url=""
    "$subledger" serve --db "$db" --host 127.0.0.1 --port 0 --no-auth >"$log.out" 2>"$log.err" &
    node_pids+=($!)
    local pid=$!
    for _ in $(seq 1 1200); do
        # The background shell creates the output file after the fork: it may not be there yet (set -e).
        url="$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$log.out" 2>/dev/null || true)"
        if [ -n "$url" ]; then return 0; fi
        kill -0 "$pid" 2>/dev/null || { echo "serve on $db exited:" >&2; cat "$log.err" >&2; return 1; }
        sleep 0.1
    done
    echo "serve on $db did not listen in 120 s" >&2
    return 1
}

# POSTs for --seconds from $2 connections to the node at $1 (wrk, post.lua); the output goes to $3, wrk's
# own CPU (user+sys seconds) to $3.cpu.
post_load() {
    LOAD_RUN_TAG="$4" /usr/bin/time -f "%U %S" -o "$3.time" \
        wrk -t1 -c"$2" -d"${seconds}s" --latency -s "$here/post.lua" "$1" >"$3" 2>&1
    awk '{ printf "%.2f\n", $1 + $2 }' "$3.time" >"$3.cpu"
}

# CPU per request (DR-51): user+sys seconds from /proc/PID/stat (ticks of CLK_TCK). `cpu_of PID [all]`: the
# process so far, with "all" also its children that have exited and been waited for.
cpu_of() {
    awk -v all="${2:-}" -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t = $12 + $13
        if (all != "") t += $14 + $15; printf "%.2f\n", t / hz }' "/proc/$1/stat"
}
# The PostgreSQL cluster's CPU so far: the postmaster with its exited backends, and every live child (the
# backends of open connections, the writer, checkpointer and WAL writer).
cluster_cpu() {
    local postmaster
    postmaster="$(head -n 1 "$cluster/data/postmaster.pid")"
    { cpu_of "$postmaster" all; for child in $(pgrep -P "$postmaster"); do cpu_of "$child" 2>/dev/null || true; done; } |
        awk '{ s += $1 } END { printf "%.2f\n", s }'
}
nodes_cpu() { for pid in "${node_pids[@]}"; do cpu_of "$pid"; done | awk '{ s += $1 } END { printf "%.2f\n", s }'; }
# "CPU ..." of a run: $1 requests; $2 the PostgreSQL cluster's seconds; $3 the nodes' (or "-"); $4 the client's.
cpu_line() {
    awk -v n="$1" -v server="$2" -v nodes="$3" -v client="$4" 'BEGIN {
        if (n <= 0) { print "CPU: no requests"; exit }
        total = server + client + (nodes == "-" ? 0 : nodes)
        printf "CPU per request (ms): %s server %.3f, client %.3f, total %.3f (%d requests; s: %sserver %.2f, client %.2f)\n",
            (nodes == "-" ? "" : sprintf("nodes %.3f,", 1000 * nodes / n)), 1000 * server / n, 1000 * client / n,
            1000 * total / n, n, (nodes == "-" ? "" : "nodes " nodes ", "), server, client }'
}
# Requests a wrk output file counts ("N requests in ...").
wrk_requests() { awk '/requests in/ { print $1 }' "$1"; }

# Times `subledger import` of the workload into the empty ledger at $1; prints "wall cpu" in seconds.
timed_import() {
    "$subledger" init --db "$1" >/dev/null
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$subledger" import --db "$1" "$workload" >/dev/null
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/time"
}

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== binary: $subledger; workload: $workload ($(wc -l <"$workload") lines); ${seconds}s a run, $runs runs"

echo "== (c) SQLite reference ledger: import"
sqlite_db="$work/books.db"
echo "import into a file: wall, CPU (s): $(timed_import "$sqlite_db")"

sqlite_once() {  # $1: run number
    start_node "$sqlite_db" "$work/sqlite-node"
    post_load "$url" 32 "$work/sqlite-$1.txt" "s$1-$(date +%s)"
    stop_nodes
    echo "  (c) run $1: one SQLite node, 32 connections: $(wrk_rate "$work/sqlite-$1.txt") POST/s" \
        "($(grep -E 'latency p50|non-2xx' "$work/sqlite-$1.txt" | tr '\n' ' '))"
}

if [ "$postgres" = 0 ]; then
    for run in $(seq 1 "$runs"); do sqlite_once "$run"; done
    echo "== median (c) SQLite node: $(for r in $(seq 1 "$runs"); do wrk_rate "$work/sqlite-$r.txt"; done | median) POST/s"
    exit 0
fi

# pgbench's transaction: one row of an event's shape and size (a receipt's payload is about 100 bytes,
# two SHA-256 hashes) into a table whose primary key is a sequence, as the events table's is.
cat >"$work/insert.sql" <<'SQL'
INSERT INTO bench_events (recorded_at, date, type, version, payload, prev_hash, hash)
VALUES (1796601600000, 20260202, 'receipt.posted', 1, decode(repeat('5a', 100), 'hex'),
        sha256(random()::text::bytea), sha256(random()::text::bytea));
SQL

for setting in $settings_list; do
    case "$setting" in
        durable) options="-c fsync=on -c synchronous_commit=on -c max_connections=100" ;;
        fast) options="-c fsync=off -c synchronous_commit=on -c max_connections=100" ;;
    esac
    cluster="$work/cluster-$setting"
    eval "$(POSTGRES_TEST_CLUSTER_OPTIONS="$options" "$root/tools/postgres-test-cluster.sh" start "$cluster")"
    server="${SUBLEDGER_TEST_POSTGRES%/*}"
    echo "== PostgreSQL, $setting: $server"
    psql -X -At "$server/subledger_test" -c "SELECT name || '=' || setting FROM pg_settings WHERE name IN
        ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes',
         'shared_buffers', 'max_connections', 'wal_level') ORDER BY name" | tr '\n' ' '
    echo
    for db in ledger import_on import_off bench; do psql -X -q "$server/subledger_test" -c "CREATE DATABASE $db"; done
    psql -X -q "$server/subledger_test" -c "ALTER DATABASE import_off SET synchronous_commit = off"
    echo "import, synchronous_commit=on: wall, CPU (s): $(timed_import "$server/import_on")"
    echo "import, synchronous_commit=off: wall, CPU (s): $(timed_import "$server/import_off")"
    psql -X -q "$server/bench" -c "CREATE TABLE bench_events (sequence bigserial PRIMARY KEY,
        recorded_at bigint NOT NULL, date integer NOT NULL, type text NOT NULL, version integer NOT NULL,
        payload bytea NOT NULL, prev_hash bytea NOT NULL, hash bytea NOT NULL)"
    if [ "$nodes" = 1 ]; then
        "$subledger" init --db "$server/ledger" >/dev/null
        "$subledger" import --db "$server/ledger" "$workload" >/dev/null
    fi
    for run in $(seq 1 "$runs"); do
        server_before="$(cluster_cpu)"
        /usr/bin/time -f "%U %S" -o "$work/pgbench.time" \
            pgbench -n -c 32 -j 2 -T "$seconds" -f "$work/insert.sql" "$server/bench" >"$work/pgbench-$setting-$run.txt" 2>&1
        sleep 0.5  # the backends exit and are waited for: their CPU is then the postmaster's children's
        server_cpu="$(awk -v a="$server_before" -v b="$(cluster_cpu)" 'BEGIN { printf "%.2f", b - a }')"
        tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench-$setting-$run.txt" | tail -n 1)"
        echo "$tps" >"$work/pgbench-$setting-$run.rate"
        echo "  (a) run $run: pgbench, 32 clients, one-row INSERTs: $tps tx/s"
        echo "      $(cpu_line "$(awk '/actually processed/ { print $NF }' "$work/pgbench-$setting-$run.txt" | cut -d/ -f1)" \
            "$server_cpu" - "$(awk '{ printf "%.2f", $1 + $2 }' "$work/pgbench.time")")"
        if [ "$nodes" = 1 ]; then
            start_node "$server/ledger" "$work/node1"
            first="$url"
            start_node "$server/ledger" "$work/node2"
            second="$url"
            tag="p$setting$run-$(date +%s)"
            server_before="$(cluster_cpu)" nodes_before="$(nodes_cpu)"
            post_load "$first" 16 "$work/node1-$setting-$run.txt" "${tag}a" &
            one=$!
            post_load "$second" 16 "$work/node2-$setting-$run.txt" "${tag}b" &
            two=$!
            wait "$one" "$two"
            run_cpu="$(awk -v a="$server_before" -v b="$(cluster_cpu)" 'BEGIN { printf "%.2f", b - a }') $(awk \
                -v a="$nodes_before" -v b="$(nodes_cpu)" 'BEGIN { printf "%.2f", b - a }')"
            stop_nodes
            a="$(wrk_rate "$work/node1-$setting-$run.txt")" b="$(wrk_rate "$work/node2-$setting-$run.txt")"
            awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", a + b }' >"$work/nodes-$setting-$run.rate"
            echo "  (b) run $run: two nodes x 16 connections: $a + $b = $(cat "$work/nodes-$setting-$run.rate") POST/s" \
                "(non-2xx: $(grep -h non-2xx "$work"/node[12]-"$setting"-"$run".txt | awk '{ s += $3 } END { print s }'))"
            # Each node's shutdown line: its groups, their sizes and the transactions rolled back and redone.
            for node in node1 node2; do
                echo "      $node: $(grep -ho '[0-9]* commands committed in .*' "$work/$node.err" | tail -n 1)"
            done
            posts=$(($(wrk_requests "$work/node1-$setting-$run.txt") + $(wrk_requests "$work/node2-$setting-$run.txt")))
            echo "      $(cpu_line "$posts" ${run_cpu% *} ${run_cpu#* } "$(cat "$work"/node[12]-"$setting"-"$run".txt.cpu |
                awk '{ s += $1 } END { printf "%.2f", s }')")"
            start_node "$server/ledger" "$work/node1"
            server_before="$(cluster_cpu)" nodes_before="$(nodes_cpu)"
            post_load "$url" 32 "$work/node-$setting-$run.txt" "${tag}c"
            run_cpu="$(awk -v a="$server_before" -v b="$(cluster_cpu)" 'BEGIN { printf "%.2f", b - a }') $(awk \
                -v a="$nodes_before" -v b="$(nodes_cpu)" 'BEGIN { printf "%.2f", b - a }')"
            stop_nodes
            wrk_rate "$work/node-$setting-$run.txt" >"$work/node-$setting-$run.rate"
            echo "  (b1) run $run: one node x 32 connections: $(cat "$work/node-$setting-$run.rate") POST/s" \
                "($(grep -ho '[0-9]* commands committed in .*' "$work/node1.err" | tail -n 1))"
            echo "      $(cpu_line "$(wrk_requests "$work/node-$setting-$run.txt")" ${run_cpu% *} ${run_cpu#* } \
                "$(cat "$work/node-$setting-$run.txt.cpu")")"
        fi
        [ "$setting" = "${settings_list%% *}" ] && sqlite_once "$run"
    done
    pg_rate="$(cat "$work"/pgbench-"$setting"-*.rate | median)"
    echo "== median, $setting: (a) pgbench $pg_rate tx/s"
    if [ "$nodes" = 1 ]; then
        node_rate="$(cat "$work"/nodes-"$setting"-*.rate | median)"
        echo "== median, $setting: (b) two nodes $node_rate POST/s, $(awk -v n="$node_rate" -v p="$pg_rate" \
            'BEGIN { printf "%.0f%%", 100 * n / p }') of pgbench (target: at least 50%)"
        echo "== median, $setting: (b1) one node $(cat "$work"/node-"$setting"-*.rate | median) POST/s"
        if [ "$keep" = 1 ]; then
            psql -X -At "$server/ledger" -c "SELECT count(*) || ' events, ' || (SELECT count(*) FROM commands) ||
                ' commands' FROM events"
        fi
    fi
    "$root/tools/postgres-test-cluster.sh" stop "$cluster"
    cluster=""
done
echo "== median (c) SQLite node: $(for r in $(seq 1 "$runs"); do wrk_rate "$work/sqlite-$r.txt"; done | median) POST/s"
