#!/usr/bin/env bash
# Client-credentials tokens per second and p50/p99 latency: signin direct, signin through the gateway, and the npm
# oidc-provider peer, side by side in one run with the same load generator (wrk), on this machine.
#   bench/client-credentials/run.sh [DURATION_SECONDS=20] [CONNECTIONS=32]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
duration=${1:-20}; connections=${2:-32}
gateway_port=${BENCH_GATEWAY_PORT:-15999}; peer_port=${BENCH_PEER_PORT:-15998}
data=$(mktemp -d /tmp/auth-platform-bench.XXXXXX); chmod 755 "$data"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk"; exit 1; }
[ -d "$root/tests/node/node_modules" ] || (cd "$root/tests/node" && npm ci --no-audit --no-fund >/dev/null)

cleanup() { [ -n "${stack_pid:-}" ] && kill -INT "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null; [ -n "${peer_pid:-}" ] && kill "$peer_pid" 2>/dev/null; rm -rf "$data"; true; }
trap cleanup EXIT

echo "Building (Release)..." >&2
dotnet build "$root/AppHost" -c Release -v q -nologo >/dev/null
echo "Starting the stack (gateway port $gateway_port)..." >&2
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$root/AppHost/bin/Release/net10.0/Auth.Platform.AppHost.dll" --Gateway:Port "$gateway_port" --Gateway:RateLimit:Enabled false --AppHost:DataDir "$data/stack" \
  > "$data/stack.log" 2>&1 &
stack_pid=$!
for i in $(seq 1 180); do [ -f "$data/stack/resources.json" ] && curl -sf "http://localhost:$gateway_port/health" >/dev/null && break; sleep 1; done
[ -f "$data/stack/resources.json" ] || { echo "stack did not start; log:"; tail -50 "$data/stack.log"; exit 1; }
read -r signin_url client_id client_secret < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.resources.signin.url, r.managementClient.clientId, r.managementClient.clientSecret);' "$data/stack/resources.json")

(cd "$root/tests/node" && node oidc-provider-peer.mjs "$peer_port" > "$data/peer.log" 2>&1) &
peer_pid=$!
for i in $(seq 1 30); do grep -q ready "$data/peer.log" 2>/dev/null && break; sleep 0.5; done
grep -q ready "$data/peer.log" || { echo "oidc-provider peer did not start:"; cat "$data/peer.log"; exit 1; }

ours_body="grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all"
peer_body="grant_type=client_credentials&client_id=bench&client_secret=bench-secret-0123456789abcdef0123456789&resource=urn%3Abench%3Aapi&scope=all"

check() { # url body -> asserts a 200 with an RS256 JWT access token
  local out; out=$(curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data "$2" "$1")
  node -e 'const t=JSON.parse(process.argv[1]).access_token; const h=JSON.parse(Buffer.from(t.split(".")[0],"base64url")); if(h.alg!=="RS256") throw new Error("alg "+h.alg);' "$out" \
    || { echo "bad token response from $1: $out"; exit 1; }
}
check "$signin_url/oidc/token" "$ours_body"
check "http://localhost:$gateway_port/oidc/token" "$ours_body"
check "http://127.0.0.1:$peer_port/token" "$peer_body"

declare -A rps p50 p99 errors
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) printf "%.2f", v/1000; else if (v ~ /ms$/) printf "%.2f", v+0; else printf "%.2f", v*1000 }'; }
measure() { # name url body
  BODY="$3" wrk -t2 -c"$connections" -d5s -s "$here/post.lua" "$2" >/dev/null  # warm-up (JIT, caches, connection pools)
  local out; out=$(BODY="$3" wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$here/post.lua" "$2")
  rps[$1]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50[$1]=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99[$1]=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  errors[$1]=$(awk '/Non-2xx/ {print $5}' <<<"$out"); errors[$1]=${errors[$1]:-0}
}
echo "Measuring: ${duration}s per target after a 5s warm-up, wrk -t2 -c$connections" >&2
measure direct "$signin_url/oidc/token" "$ours_body"
measure gateway "http://localhost:$gateway_port/oidc/token" "$ours_body"
measure peer "http://127.0.0.1:$peer_port/token" "$peer_body"

printf '\nClient-credentials tokens (RS256 JWT access tokens), %s cores, %s\n' "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-28s %12s %10s %10s %8s\n' target tokens/s p50_ms p99_ms non2xx
printf '%-28s %12s %10s %10s %8s\n' "signin (direct)" "${rps[direct]}" "${p50[direct]}" "${p99[direct]}" "${errors[direct]}"
printf '%-28s %12s %10s %10s %8s\n' "signin via gateway (YARP)" "${rps[gateway]}" "${p50[gateway]}" "${p99[gateway]}" "${errors[gateway]}"
printf '%-28s %12s %10s %10s %8s\n' "node oidc-provider 9.13" "${rps[peer]}" "${p50[peer]}" "${p99[peer]}" "${errors[peer]}"
awk -v d="${rps[direct]}" -v g="${rps[gateway]}" -v p="${rps[peer]}" 'BEGIN {
  printf "ratios: direct/peer = %.2f, gateway/peer = %.2f, gateway/direct = %.2f\n", d/p, g/p, g/d }'
echo "reproduce: bench/client-credentials/run.sh $duration $connections"
