#!/usr/bin/env bash
# Installs what the stack and the tests need on Debian/Ubuntu, only what is missing (safe to run every time):
# PostgreSQL, Redis, RabbitMQ (the AppHost runs private instances of them), Chromium (browser tests), wrk (benchmarks),
# then the npm packages of tests/node. The .NET SDK is expected to be there already (global.json pins it).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "install-deps: need root or sudo to run: $*" >&2; exit 1; fi
}

command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK is missing: https://dot.net/download" >&2; exit 1; }

# The package that provides each command the AppHost and the tests look for.
declare -A provides=(
  [postgresql]="ls /usr/lib/postgresql/*/bin/postgres"
  [redis-server]="command -v redis-server"
  [rabbitmq-server]="command -v rabbitmq-server || test -x /usr/sbin/rabbitmq-server"
  [chromium]="command -v chromium"
  [wrk]="command -v wrk"
  [npm]="command -v npm"
)
missing=()
for package in postgresql redis-server rabbitmq-server chromium wrk npm; do
  bash -c "${provides[$package]}" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  # apt starts the system services; we run private instances on free ports, so stop and disable them.
  for service in postgresql redis-server rabbitmq-server; do
    case " ${missing[*]} " in *" $service "*) ;; *) continue ;; esac
    if [ -d /run/systemd/system ]; then
      as_root systemctl disable --now "$service" >/dev/null 2>&1 || true
    else
      as_root timeout 60 service "$service" stop >/dev/null 2>&1 || true
    fi
  done
fi

# npm peers of the end-to-end tests (openid-client, oidc-provider, ...), when that folder exists.
if [ -f tests/node/package.json ]; then
  if [ ! -f tests/node/node_modules/.package-lock.json ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
    command -v npm >/dev/null || { echo "install-deps: npm is missing: apt-get install -y npm" >&2; exit 1; }
    (cd tests/node && npm ci --no-audit --no-fund)
  fi
fi
