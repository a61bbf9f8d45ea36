#!/usr/bin/env bash
# Extract messages from src/ and templates/, merge them into every catalog, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F babel.cfg --no-location --sort-output --omit-header -k _ -k N_ -o src/ccmkit/locales/ccmkit.pot .
"$PYBABEL" update -i src/ccmkit/locales/ccmkit.pot -d src/ccmkit/locales -D ccmkit --no-fuzzy-matching --ignore-obsolete
"$PYBABEL" compile -d src/ccmkit/locales -D ccmkit --statistics
