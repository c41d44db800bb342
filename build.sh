#!/usr/bin/env bash
# Bootstraps the build: restores the Cake tool (a dotnet local tool) and runs build.cake.
# Usage: ./build.sh --target=Demo | --target=Test | --target=Pack | ...
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"
