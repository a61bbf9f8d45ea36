#!/usr/bin/env bash
# The whole test suite (after scripts/setup.sh): lint, types, then pytest with the real-client
# checks (add -m "not slow" for a quick inner loop).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy src
.venv/bin/python -m pytest -q "$@"
