#!/usr/bin/env bash
# The whole test suite (after scripts/setup.sh): lint, then pytest with the real-client checks.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/python -m pytest -q "$@"
