#!/usr/bin/env bash
# One command on a fresh Debian 12 machine with Python 3.11: install what ccmkit needs
# (system libraries for WeasyPrint, fonts, LibreOffice and PDF tools for the tests),
# PostgreSQL for the follow-up log tests (a throw-away cluster: scripts/pg.sh), Chromium for the
# web workbench's browser tests (driven by Playwright; no browser download), create .venv with
# ccmkit and its test tools, then generate an example package.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
          fonts-liberation2 fonts-dejavu-core fonts-wqy-microhei libreoffice-writer-nogui qpdf
          poppler-utils postgresql chromium)
python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv)
command -v npm >/dev/null 2>&1 || packages+=(npm)  # a Node.js that brings its own npm is enough
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,server]"

# axe-core (npm) for the browser tests' accessibility audit (tests/web/test_browser.py)
if command -v npm >/dev/null 2>&1; then
  npm install --no-save --no-package-lock --silent axe-core@4.14.1 >/dev/null || \
    echo "axe-core not installed: the accessibility test will be skipped"
else
  echo "npm not found: install nodejs and npm for the accessibility test (axe-core)"
fi

rm -rf example-package
.venv/bin/ccmkit package KEN --profile examples/kenya.yaml --out example-package
.venv/bin/ccmkit package ARG --profile examples/argentina.yaml --out example-package
echo "Example packages written to $(pwd)/example-package (see manifest.json in each folder)."
