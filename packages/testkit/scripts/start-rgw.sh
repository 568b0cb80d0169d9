#!/usr/bin/env bash
# Adapted from the measured recipe in the project's design notes (local-rgw).
# Boot a throwaway single-node Ceph cluster (1 mon, 1 memstore OSD, no mgr)
# plus radosgw with STS/IAM enabled, listening on 127.0.0.1:$RGW_PORT.
# Everything lives under $CEPH_DIR, which is wiped on every start.
# Requires: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common curl
# Run as root (or any user: nothing is written outside $CEPH_DIR).
set -euo pipefail

CEPH_DIR=${CEPH_DIR:-${TMPDIR:-/tmp}/s3up-rgw}
RGW_PORT=${RGW_PORT:-7480}
MON_PORT_V2=${MON_PORT_V2:-3300}
MON_PORT_V1=${MON_PORT_V1:-6789}
ADMIN_UID=${ADMIN_UID:-admin}
ADMIN_ACCESS_KEY=${ADMIN_ACCESS_KEY:-AKIAADMIN0000000000}
ADMIN_SECRET_KEY=${ADMIN_SECRET_KEY:-adminsecretadminsecretadminsecret0000000}
STS_KEY=${STS_KEY:-abcdefghijklmnop}          # must be exactly 16 chars
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}              # seconds for each wait step
STS_MIN_DURATION=${STS_MIN_DURATION:-1}       # AWS enforces >= 900
MEMSTORE_BYTES=${MEMSTORE_BYTES:-4294967296}  # the OSD keeps all data in RAM, up to this
SERVICE_UID=${SERVICE_UID:-tokensvc}          # the token service's own user (AssumeRole caller, bucket owner)
SERVICE_ACCESS_KEY=${SERVICE_ACCESS_KEY:-AKIATOKENSVC00000000}
SERVICE_SECRET_KEY=${SERVICE_SECRET_KEY:-tokensvcsecrettokensvcsecret000000000000}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T0=$(date +%s%3N)
log() { local ms=$(( $(date +%s%3N) - T0 )); printf '[start-rgw %3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"; }
die() {
  log "ERROR: $*"
  for f in "$CEPH_DIR"/log/*; do [ -f "$f" ] && { echo "--- tail $f"; tail -n 15 "$f"; }; done
  CEPH_DIR="$CEPH_DIR" "$HERE/stop-rgw.sh" || true
  exit 1
}

for b in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool uuidgen curl; do
  command -v "$b" >/dev/null || { echo "missing binary: $b" >&2; exit 1; }
done
[ ${#STS_KEY} -eq 16 ] || { echo "STS_KEY must be 16 chars" >&2; exit 1; }

alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stop anything left from a previous run in the same dir, then wipe it.
CEPH_DIR="$CEPH_DIR" "$HERE/stop-rgw.sh" --kill >/dev/null 2>&1 || true
for p in "$RGW_PORT" "$MON_PORT_V2" "$MON_PORT_V1"; do
  # A full restart on the same ports may find one still held for a moment after the kill
  # (seen once in CI): give it 5 s to be let go before calling it another cluster's.
  end=$(( $(date +%s) + 5 ))
  while port_busy "$p" && [ "$(date +%s)" -lt "$end" ]; do sleep 0.2; done
  if port_busy "$p"; then echo "port $p on 127.0.0.1 is already in use (another cluster/radosgw?)" >&2; exit 1; fi
done
rm -rf "$CEPH_DIR"
mkdir -p "$CEPH_DIR"/{run,log,mon.a,osd.0}

FSID=$(uuidgen)
CONF="$CEPH_DIR/ceph.conf"
cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_PORT_V2,v1:127.0.0.1:$MON_PORT_V1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
# throwaway cluster: no cephx
auth cluster required = none
auth service required = none
auth client required = none
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
pid file = $CEPH_DIR/run/\$name.ceph.pid
log file = $CEPH_DIR/log/\$name.log
log to stderr = false
err to stderr = true
crash dir = $CEPH_DIR/crash
# single replica, small pg counts, no autoscaler (no mgr)
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 2
mon data avail crit = 1

[mon]
mon data = $CEPH_DIR/mon.\$id
# commit map changes fast (default 1s batching makes every pool creation ~2s)
paxos propose interval = 0.05
paxos min wait = 0.01

[osd]
osd data = $CEPH_DIR/osd.\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd op num shards = 2
osd op num threads per shard = 1

[client]
keyring = $CEPH_DIR/none.keyring
# radosgw's built-in default is 'secure', which needs cephx session keys
ms mon client mode = crc
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw enable apis = s3, s3website, swift, swift_auth, admin, sts, iam, notifications
rgw sts key = $STS_KEY
rgw s3 auth use sts = true
# AWS minimum is 900s; lowered so tests can exercise credential expiry
rgw sts min session duration = $STS_MIN_DURATION
rgw thread pool size = 32
rgw dynamic resharding = false
rgw enable usage log = false
EOF
touch "$CEPH_DIR/none.keyring"
export CEPH_CONF="$CONF"

# --- monitor --------------------------------------------------------------
log "creating mon (fsid $FSID)"
ceph-authtool --create-keyring "$CEPH_DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" \
  --addv a "[v2:127.0.0.1:$MON_PORT_V2,v1:127.0.0.1:$MON_PORT_V1]" "$CEPH_DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" --keyring "$CEPH_DIR/mon.keyring" \
  || die "ceph-mon --mkfs failed"
setsid ceph-mon -c "$CONF" -i a -f </dev/null >>"$CEPH_DIR/log/mon.a.stdout" 2>&1 &
echo $! >"$CEPH_DIR/run/mon.a.pid"

deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
until timeout 10 ceph -c "$CONF" --connect-timeout 5 mon stat >/dev/null 2>&1; do
  [ "$(date +%s)" -lt "$deadline" ] || die "mon did not come up"
  alive "$(cat "$CEPH_DIR/run/mon.a.pid")" || die "mon died"
  sleep 0.5
done
log "mon up"

# --- osd (memstore: all data in RAM) ---------------------------------------
OSD_UUID=$(uuidgen)
OSD_ID=$(timeout 30 ceph -c "$CONF" osd new "$OSD_UUID") || die "ceph osd new failed"
[ "$OSD_ID" = 0 ] || die "unexpected osd id $OSD_ID"
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$CEPH_DIR/log/osd.0.stdout" 2>&1 \
  || die "ceph-osd --mkfs failed"
setsid ceph-osd -c "$CONF" -i 0 -f </dev/null >>"$CEPH_DIR/log/osd.0.stdout" 2>&1 &
echo $! >"$CEPH_DIR/run/osd.0.pid"

deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
until [ "$(timeout 10 ceph -c "$CONF" osd stat -f json 2>/dev/null | grep -o '"num_up_osds":[0-9]*' | cut -d: -f2)" = 1 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || die "osd did not come up"
  alive "$(cat "$CEPH_DIR/run/osd.0.pid")" || die "osd died"
  sleep 0.5
done
log "osd up"

# --- radosgw ----------------------------------------------------------------
setsid radosgw -c "$CONF" -n client.rgw.test -f </dev/null >>"$CEPH_DIR/log/rgw.stdout" 2>&1 &
echo $! >"$CEPH_DIR/run/rgw.pid"

deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$RGW_PORT/"; do
  [ "$(date +%s)" -lt "$deadline" ] || die "rgw did not answer on port $RGW_PORT"
  alive "$(cat "$CEPH_DIR/run/rgw.pid")" || die "rgw died"
  sleep 0.5
done
log "rgw answering on http://127.0.0.1:$RGW_PORT"

# --- admin user ---------------------------------------------------------------
timeout 60 radosgw-admin -c "$CONF" user create --uid="$ADMIN_UID" --display-name="Admin" \
  --access-key="$ADMIN_ACCESS_KEY" --secret-key="$ADMIN_SECRET_KEY" >/dev/null \
  || die "radosgw-admin user create failed"
timeout 60 radosgw-admin -c "$CONF" caps add --uid="$ADMIN_UID" \
  --caps="roles=*;user-policy=*;users=*;buckets=*;metadata=*;usage=*;zone=*" >/dev/null \
  || die "radosgw-admin caps add failed"
log "admin user '$ADMIN_UID' ready (access key $ADMIN_ACCESS_KEY)"
timeout 60 radosgw-admin -c "$CONF" user create --uid="$SERVICE_UID" --display-name="s3up token service" \
  --access-key="$SERVICE_ACCESS_KEY" --secret-key="$SERVICE_SECRET_KEY" >/dev/null \
  || die "radosgw-admin user create ($SERVICE_UID) failed"
log "service user '$SERVICE_UID' ready"

cat >"$CEPH_DIR/env" <<EOF
export CEPH_CONF=$CONF
export S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
export S3_ACCESS_KEY_ID=$ADMIN_ACCESS_KEY
export S3_SECRET_ACCESS_KEY=$ADMIN_SECRET_KEY
EOF
log "ready; source $CEPH_DIR/env"
