#!/usr/bin/env bash
# Proves the published shape works: builds @s3up/cli and its workspace dependencies, packs
# them as npm would publish them, installs the tarballs into an empty project (no
# workspace, no sources, only dist/) and runs the installed `s3up` binary.
# Usage: bash packages/cli/scripts/install-check.sh   (from the repository root; ~2 min)
set -euo pipefail
root=$(pwd)
work=$(mktemp -d /tmp/s3up-install-check-XXXXXX)
trap 'rm -rf "$work"' EXIT
pnpm --filter '@s3up/cli...' run build >/dev/null
packages=$(node -e "const p=require('./packages/cli/package.json');console.log(Object.keys(p.dependencies).filter(d=>d.startsWith('@s3up/')).map(d=>d.slice(6)).join(' '))")
for p in cli $packages; do
  extra=$(node -e "const p=require('./packages/$p/package.json');console.log(Object.keys(p.dependencies||{}).filter(d=>d.startsWith('@s3up/')).map(d=>d.slice(6)).join(' '))")
  packages="$packages $extra"
done
packages=$(echo "$packages" | tr ' ' '\n' | sort -u | tr '\n' ' ')
overrides=""
for p in cli $packages; do
  (cd "packages/$p" && pnpm pack --pack-destination "$work" >/dev/null)
  [ "$p" = cli ] || overrides="$overrides\"@s3up/$p\": \"file:$work/s3up-$p-0.1.0.tgz\","
done
cat > "$work/package.json" <<JSON
{
  "name": "s3up-install-check",
  "private": true,
  "packageManager": $(node -p "JSON.stringify(require('$root/package.json').packageManager)"),
  "dependencies": { "@s3up/cli": "file:$work/s3up-cli-0.1.0.tgz" },
  "pnpm": { "overrides": { ${overrides%,} } }
}
JSON
(cd "$work" && pnpm install --prefer-offline >/dev/null)
cd "$work"
version=$(./node_modules/.bin/s3up --version)
echo "installed s3up $version"
./node_modules/.bin/s3up doctor --help | grep -q -- '--iam-profile'
# No express in the installed tree's import graph: the CLI must start without it.
if [ -e node_modules/express ]; then echo "express is a direct dependency of the install?"; exit 1; fi
echo "install check passed"
