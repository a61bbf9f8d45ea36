#!/usr/bin/env bash
# The whole test suite (after scripts/setup.sh): lint, types, then pytest with the real-client
# checks (add -m "not slow" for a quick inner loop). The follow-up log's tests run against
# SQLite and a real PostgreSQL: unless CCMKIT_TEST_PG_URL is already set, a throw-away cluster
# is started on a local port for the run and removed at the end (scripts/pg.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy src
if [ -z "${CCMKIT_TEST_PG_URL:-}" ]; then
  export CCMKIT_PG_STATE="${TMPDIR:-/tmp}/ccmkit-test-pg-$$.env"
  trap './scripts/pg.sh stop' EXIT
  eval "$(./scripts/pg.sh start)"
fi
.venv/bin/python -m pytest -q -n auto --dist loadfile "$@"
