#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the event log's conformance tests (DR-34), on a loopback port.
#
#   tools/postgres-test-cluster.sh start DIR   creates and starts a cluster in DIR (an empty or missing
#                                              folder) and prints the line to eval:
#                                              export SUBLEDGER_TEST_POSTGRES=postgresql://subledger@127.0.0.1:PORT/subledger_test
#   tools/postgres-test-cluster.sh start DIR --tls
#                                              the same with TLS on (ssl=on): a throwaway CA and a server
#                                              certificate for `localhost` (only that name, not 127.0.0.1),
#                                              made with the openssl CLI in DIR; prints instead:
#                                              export SUBLEDGER_TEST_POSTGRES_TLS=postgresql://subledger@localhost:PORT/subledger_test
#                                              export SUBLEDGER_TEST_POSTGRES_CA=DIR/ca.crt         (signed the server's)
#                                              export SUBLEDGER_TEST_POSTGRES_OTHER_CA=DIR/other-ca.crt  (did not)
#   tools/postgres-test-cluster.sh stop DIR    stops it and removes DIR
#
# POSTGRES_TEST_CLUSTER_OPTIONS: more server options, after the defaults so that they win (e.g.
# "-c fsync=on" for tools/load/pg-nodes.sh's durable runs).
#
# Installs Debian's postgresql when no server binaries are found (as root, through apt-get). PostgreSQL
# refuses to run as root, so as root the cluster belongs to the `postgres` user the package creates
# (or `nobody`). Trust authentication on 127.0.0.1 only, for the role `subledger` (the superuser that
# owns the tables); fsync is off: the tests kill connections, never the server, and want speed.
set -euo pipefail

action="${1:-}"
dir="${2:-}"
tls="${3:-}"
if [ -z "$action" ] || [ -z "$dir" ] || { [ -n "$tls" ] && [ "$tls" != --tls ]; }; then
    echo "usage: $0 start DIR [--tls] | stop DIR" >&2
    exit 2
fi

server_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

# A CA (ca.crt) that signs a server certificate for `localhost` (server.crt, server.key), and a second CA
# (other-ca.crt) that signs nothing: what a client that trusts the wrong root holds. Throwaway keys, one day.
make_certificates() {
    local days=1 subject="/CN=subledger test CA"
    openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "$subject" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days $days -subj "/CN=subledger other CA" \
        -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
        -days $days -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    chmod 600 "$dir/server.key"
    if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$dir/server.key" "$dir/server.crt"; fi
}

owner=postgres
if ! id postgres >/dev/null 2>&1; then owner=nobody; fi

case "$action" in
start)
    bin="$(server_bin)"
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "postgres-test-cluster: no PostgreSQL server found; install Debian's postgresql" >&2
            exit 1
        fi
        echo "postgres-test-cluster: installing Debian's postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y postgresql >&2
        bin="$(server_bin)"
        if ! id postgres >/dev/null 2>&1; then owner=nobody; else owner=postgres; fi
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"  # absolute: the commands below run from inside it
    if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$dir"; fi
    cd "$dir"  # the server's user may not read the caller's working directory
    as_owner "$bin/initdb" -D "$dir/data" -U subledger --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    ssl_options=""
    if [ -n "$tls" ]; then
        command -v openssl >/dev/null || { echo "postgres-test-cluster: --tls needs the openssl CLI" >&2; exit 1; }
        make_certificates
        ssl_options="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
    fi
    # A free port: a few random tries in the unprivileged range.
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 30000))
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50 $ssl_options ${POSTGRES_TEST_CLUSTER_OPTIONS:-}" >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            break
        fi
    done
    if [ ! -f "$dir/port" ]; then
        echo "postgres-test-cluster: the server did not start; its log:" >&2
        cat "$dir/server.log" >&2 || true
        exit 1
    fi
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U subledger subledger_test
    if [ -n "$tls" ]; then
        echo "export SUBLEDGER_TEST_POSTGRES_TLS=postgresql://subledger@localhost:$port/subledger_test"
        echo "export SUBLEDGER_TEST_POSTGRES_CA=$dir/ca.crt"
        echo "export SUBLEDGER_TEST_POSTGRES_OTHER_CA=$dir/other-ca.crt"
    else
        echo "export SUBLEDGER_TEST_POSTGRES=postgresql://subledger@127.0.0.1:$port/subledger_test"
    fi
    ;;
stop)
    if [ ! -d "$dir" ]; then exit 0; fi
    dir="$(cd "$dir" && pwd)"
    bin="$(server_bin)"
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
        cd "$dir"
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
