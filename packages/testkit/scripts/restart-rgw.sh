#!/usr/bin/env bash
# Crash and restart only the radosgw of a cluster started by start-rgw.sh, leaving its mon
# and memstore OSD running, so objects and in-progress multipart uploads survive (they live
# in the OSD; radosgw keeps no state of its own).
#   restart-rgw.sh kill     SIGKILL radosgw (as a crash would) and wait until its port is free
#   restart-rgw.sh start    start radosgw again (same ceph.conf, same port) and wait until it answers
#   restart-rgw.sh [restart] kill, wait $DOWN_MS ms, start
# Only the PID in $CEPH_DIR/run/rgw.pid is signalled, and only if it is still our radosgw
# (the same guard as stop-rgw.sh).
set -euo pipefail

CEPH_DIR=${CEPH_DIR:-${TMPDIR:-/tmp}/s3up-rgw}
DOWN_MS=${DOWN_MS:-0}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-90}
CONF="$CEPH_DIR/ceph.conf"
PIDFILE="$CEPH_DIR/run/rgw.pid"
MODE=${1:-restart}

T0=$(date +%s%3N)
log() { local ms=$(( $(date +%s%3N) - T0 )); printf '[restart-rgw %3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"; }
die() { log "ERROR: $*" >&2; [ -f "$CEPH_DIR/log/rgw.stdout" ] && tail -n 15 "$CEPH_DIR/log/rgw.stdout" >&2; exit 1; }

[ -f "$CONF" ] || die "no cluster in $CEPH_DIR (no ceph.conf)"
RGW_PORT=${RGW_PORT:-$(sed -n 's/^rgw frontends = beast endpoint=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$CONF")}
[ -n "$RGW_PORT" ] || die "cannot read the radosgw port from $CONF"

# a killed daemon is re-parented to PID 1 and may linger as a zombie until reaped: treat Z as gone
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
ours() { # pid binary: still our daemon (guards against PID reuse)
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && alive "$1" &&
    tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "^$2 .*$CEPH_DIR/ceph.conf"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_of() { [ -f "$CEPH_DIR/run/$1.pid" ] && cat "$CEPH_DIR/run/$1.pid" || true; }

kill_rgw() {
  local pid end
  pid=$(pid_of rgw)
  if ours "$pid" radosgw; then
    kill -KILL "$pid" 2>/dev/null || true
    end=$(( $(date +%s) + 15 ))
    while alive "$pid"; do
      [ "$(date +%s)" -lt "$end" ] || die "radosgw ($pid) still alive after SIGKILL"
      sleep 0.05
    done
    log "killed radosgw ($pid)"
  else
    log "no radosgw of this cluster was running"
  fi
  rm -f "$PIDFILE"
  end=$(( $(date +%s) + 15 ))
  while port_busy "$RGW_PORT"; do
    [ "$(date +%s)" -lt "$end" ] || die "port $RGW_PORT still answers after radosgw died"
    sleep 0.05
  done
}

start_rgw() {
  local pid deadline
  pid=$(pid_of rgw)
  ours "$pid" radosgw && die "radosgw ($pid) is already running"
  ours "$(pid_of mon.a)" ceph-mon || die "the mon of $CEPH_DIR is not running: restart the whole cluster"
  ours "$(pid_of osd.0)" ceph-osd || die "the OSD of $CEPH_DIR is not running: restart the whole cluster"
  port_busy "$RGW_PORT" && die "port $RGW_PORT on 127.0.0.1 is taken by another process"
  # same command line as start-rgw.sh: stop-rgw.sh and this script recognise it by it
  setsid radosgw -c "$CONF" -n client.rgw.test -f </dev/null >>"$CEPH_DIR/log/rgw.stdout" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
  until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$RGW_PORT/"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "radosgw did not answer on port $RGW_PORT"
    alive "$pid" || die "radosgw died while starting"
    sleep 0.2
  done
  log "radosgw ($pid) answering on http://127.0.0.1:$RGW_PORT"
}

case $MODE in
  kill) kill_rgw ;;
  start) start_rgw ;;
  restart)
    kill_rgw
    sleep "$(awk "BEGIN { print $DOWN_MS / 1000 }")"
    start_rgw
    ;;
  *) echo "usage: $0 [kill|start|restart]" >&2; exit 2 ;;
esac
