#!/usr/bin/env bash
# The whole platform on this machine: ./run.sh [--Gateway:Port 5056] | ./run.sh publish [--output-path DIR]
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
exec dotnet run --project AppHost -- "$@"
