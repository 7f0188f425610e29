# shellcheck shell=bash
# A throwaway PostgreSQL server for the codegen tests (tests/codegen.rs applies each
# generated migration and inserts an outbox record). Source this file, then:
#
#   sagac_pg_start   # installs Debian's postgresql if missing, creates a cluster in a
#                    # temporary directory, starts it on a Unix socket in that directory
#                    # and on 127.0.0.1:$SAGAC_PG_WANT_PORT (54329), exports SAGAC_PGHOST,
#                    # SAGAC_PGPORT and SAGAC_PGUSER for the tests
#   sagac_pg_stop    # stops it and removes the directory (safe to call twice)
#
# In .ci/run:   . .ci/postgres.sh && sagac_pg_start && trap sagac_pg_stop EXIT
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user
# (created by the package) and its commands run through runuser.

SAGAC_PG_WANT_PORT="${SAGAC_PG_WANT_PORT:-54329}"

# The directory of pg_ctl and initdb (Debian keeps them out of PATH).
sagac_pg_bindir() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

# Runs a command as the cluster's owner.
sagac_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

sagac_pg_start() {
  local bin
  if ! bin="$(sagac_pg_bindir)"; then
    echo "== installing postgresql"
    apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
    bin="$(sagac_pg_bindir)" || { echo "postgresql installed, but no pg_ctl found" >&2; return 1; }
  fi
  SAGAC_PG_DIR="$(mktemp -d /tmp/sagac-pg.XXXXXX)" || return 1
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$SAGAC_PG_DIR" || return 1
  fi
  sagac_pg_as_owner "$bin/initdb" -D "$SAGAC_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C >"$SAGAC_PG_DIR/initdb.log" 2>&1 \
    || { cat "$SAGAC_PG_DIR/initdb.log" >&2; return 1; }
  sagac_pg_as_owner "$bin/pg_ctl" -D "$SAGAC_PG_DIR/data" -l "$SAGAC_PG_DIR/server.log" -w -t 60 \
    -o "-k $SAGAC_PG_DIR -p $SAGAC_PG_WANT_PORT -c listen_addresses=127.0.0.1" start >/dev/null \
    || { cat "$SAGAC_PG_DIR/server.log" >&2; return 1; }
  export SAGAC_PG_DIR
  export SAGAC_PGHOST="$SAGAC_PG_DIR"
  export SAGAC_PGPORT="$SAGAC_PG_WANT_PORT"
  export SAGAC_PGUSER=postgres
  echo "== postgresql $("$bin/pg_ctl" --version | awk '{print $3}') on $SAGAC_PGHOST (port $SAGAC_PGPORT)"
}

sagac_pg_stop() {
  local bin
  if [ -n "${SAGAC_PG_DIR:-}" ] && [ -d "$SAGAC_PG_DIR/data" ] && bin="$(sagac_pg_bindir)"; then
    sagac_pg_as_owner "$bin/pg_ctl" -D "$SAGAC_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "${SAGAC_PG_DIR:-}" ]; then
    rm -rf "$SAGAC_PG_DIR"
  fi
  unset SAGAC_PG_DIR SAGAC_PGHOST SAGAC_PGPORT SAGAC_PGUSER
}
