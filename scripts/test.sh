#!/usr/bin/env bash
# Typecheck, lint, then every bun test suite (unit, integration against
# DynamoDB Local, end-to-end through dist/sentinel; passing tests are not listed); ends with one line
# "N passed, N failed" summing all of them (typecheck and lint count as one check each).
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0

check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

check typecheck node_modules/.bin/tsc --noEmit
check lint node_modules/.bin/biome check .

if [ -f dist/release/SHA256SUMS ]; then
  check release bash scripts/check-release.sh
fi

echo "== bun test"
log=$(mktemp)
node_modules/.bin/bun test --only-failures --timeout 60000 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
tests_passed=$(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
tests_failed=$(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$tests_failed" -eq 0 ]; then tests_failed=1; fi
passed=$((passed + tests_passed))
failed=$((failed + tests_failed))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
