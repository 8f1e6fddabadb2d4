# Sourced by scripts/test and scripts/cluster-test: a PostgreSQL server of its own on loopback, in a temporary folder,
# with fsync off (nothing in it outlives the run). Sets pg_bin, pg_dir and pg_port; stop it with stop_throwaway_postgres.
pg_bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && pg_bin="$candidate"
done
if [ -z "$pg_bin" ]; then
    echo "PostgreSQL server binaries not found; installing them (Debian's postgresql package)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    for candidate in /usr/lib/postgresql/*/bin; do [ -x "$candidate/initdb" ] && pg_bin="$candidate"; done
fi

# initdb and postgres refuse to run as root: use the 'postgres' system user when we are root.
run_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

start_throwaway_postgres() {  # port
    pg_port=$1
    pg_dir=$(mktemp -d /tmp/clicktally-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
    run_pg "$pg_bin/initdb -D '$pg_dir/data' -U clicktally --auth=trust -E UTF8 >/dev/null"
    run_pg "$pg_bin/pg_ctl -D '$pg_dir/data' -l '$pg_dir/log' -w -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k '$pg_dir' -c fsync=off -c max_connections=300\" start >/dev/null"
}

stop_throwaway_postgres() {
    [ -n "${pg_dir:-}" ] || return 0
    run_pg "$pg_bin/pg_ctl -D '$pg_dir/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
