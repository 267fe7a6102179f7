#!/usr/bin/env bash
# Builds the DocC catalogs of Logits and LogitsMetrics and fails on any DocC warning.
# Not part of .ci/run (it adds the docc plugin's build); run it after changing public API docs.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for target in Logits LogitsMetrics; do
    log=$(mktemp)
    swift package generate-documentation --target "$target" >"$log" 2>&1 || { cat "$log"; exit 1; }
    if grep -q '^warning' "$log"; then grep -A3 '^warning' "$log"; status=1; fi
    echo "$target: $(grep -c '^warning' "$log" || true) DocC warnings"
    rm -f "$log"
done
exit $status
