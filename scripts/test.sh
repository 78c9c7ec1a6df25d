#!/usr/bin/env bash
# The test command: installs what the tests need (npm packages for the interop harnesses), builds,
# and runs every test project. Safe to run again; works on a fresh machine with the .NET SDK and Node.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages used by the tests (e.g. the real libsignal for Parley.Crypto's interop tests).
while IFS= read -r manifest; do
  dir=$(dirname "$manifest")
  echo "test.sh: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done < <(find tests -name package.json -not -path '*/node_modules/*' | sort)

dotnet build Parley.slnx -c Release
dotnet test Parley.slnx -c Release --no-build "$@"
