#!/usr/bin/env bash
# Installs the Debian packages the tests need, when any is missing: Ceph RGW (the local
# S3+STS+IAM backend), Chromium (browser and end-to-end tests; test tools never download a
# browser), rclone and the AWS CLI (real third-party S3 clients for the CLI's tests) and Redis
# (the shared store of several token-server instances).
# apt-get update runs once, and only when something is missing. Needs root.
set -euo pipefail
PKGS=(ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl chromium rclone redis-server awscli python3-boto3)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them as root:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
