#!/bin/sh
# Creates and migrates the Temporal server's two databases on Postgres: persistence (DBNAME,
# default temporal) and SQL visibility (VISIBILITY_DBNAME, default temporal_visibility), with the
# schemas built into the schema tool of the server's version. Shared by the one-shot
# `temporal-schema` job of docker-compose.yml (temporalio/admin-tools: SQL_TOOL=temporal-sql-tool)
# and `npm run cluster` (SQL_TOOL=the cached build of go.temporal.io/server/cmd/tools/sql).
#
# Idempotent: an existing database is kept, and update-schema applies only the versions it lacks,
# which is also how a server upgrade migrates (run it with the new version's tool first).
set -eu
SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"
HOST="${POSTGRES_SEEDS:-127.0.0.1}"
PORT="${DB_PORT:-5432}"
USER="${POSTGRES_USER:-postgres}"
PASSWORD="${POSTGRES_PWD:-}"

sql() {
  "$SQL_TOOL" --plugin postgres12 --ep "$HOST" -p "$PORT" -u "$USER" --pw "$PASSWORD" "$@"
}

migrate() { # database, embedded schema name
  sql --db "$1" create-database
  sql --db "$1" setup-schema -v 0.0
  sql --db "$1" update-schema --schema-name "$2"
  echo "database $1 on $HOST:$PORT: schema $2 up to date"
}

# Postgres may still be starting: the first connection is retried.
attempt=1
until sql --db postgres create-database >/dev/null 2>&1 || [ "$attempt" -ge "${ATTEMPTS:-30}" ]; do
  attempt=$((attempt + 1))
  sleep "${DELAY_SECONDS:-2}"
done

migrate "${DBNAME:-temporal}" postgresql/v12/temporal
migrate "${VISIBILITY_DBNAME:-temporal_visibility}" postgresql/v12/visibility
