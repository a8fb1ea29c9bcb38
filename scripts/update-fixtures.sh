#!/usr/bin/env bash
# Regenerate the expected breakdown.csv/summary.csv/persons.csv beside each fixture roster. Review the diff before committing:
# these files are what the tests hold the calculator to.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
for dir in fixtures/*/; do
  code=$(basename "$dir")
  [ -f "$dir/roster.csv" ] || continue
  tmp=$(mktemp -d)
  node bin/subsidy.js calc "fixtures/$code/roster.csv" -j "$code" -o "$tmp" --no-progress >/dev/null 2>&1
  cp "$tmp/breakdown.csv" "$tmp/summary.csv" "$tmp/persons.csv" "$dir"
  rm -rf "$tmp"
done
