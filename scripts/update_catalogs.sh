#!/usr/bin/env bash
# Extract messages from src/ and templates/, merge them into every catalog, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F babel.cfg --no-location --sort-output --omit-header -k _ -o locales/ccmkit.pot .
"$PYBABEL" update -i locales/ccmkit.pot -d locales -D ccmkit --no-fuzzy-matching --ignore-obsolete
"$PYBABEL" compile -d locales -D ccmkit --statistics
