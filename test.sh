#!/usr/bin/env bash
# Builds once (Release) and runs every test project of the solution; the last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
dotnet build Auth.Platform.sln -c Release

results=TestResults
rm -rf "$results"
status=0
dotnet test Auth.Platform.sln -c Release --no-build --logger trx --results-directory "$results" "$@" || status=$?

# Sum the counters of every project's TRX: <Counters total=".." executed=".." passed=".." failed=".." ...>
passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
