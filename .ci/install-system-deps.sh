#!/usr/bin/env bash
# Installs the system packages the test suite needs. Idempotent: does nothing when they are there.
#
#   prometheus + promtool  Debian package `prometheus`, used by test/support/prometheus.ts.
#                          The tests start their own server on a random 127.0.0.1 port; this
#                          script makes sure the package does not leave a system daemon running.
#
# Needs root (or password-less sudo) and apt-get. Exits non-zero with a message on failure.
set -euo pipefail

log() { echo "[install-system-deps] $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  log "prometheus already installed: $(prometheus --version 2>&1 | head -n 1)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
  die "apt-get not found: install Prometheus (prometheus + promtool) by hand, or set PROMETHEUS_BIN/PROMTOOL_BIN"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    die "must run as root (or with password-less sudo) to apt-get install prometheus"
  fi
fi

export DEBIAN_FRONTEND=noninteractive

# The package's postinst runs `invoke-rc.d prometheus start`, which starts a daemon on :9090
# unless /usr/sbin/policy-rc.d says no (exit 101). Docker-style images already ship one; on other
# machines install a temporary one for the duration of the install.
POLICY=/usr/sbin/policy-rc.d
policy_added=0
cleanup() {
  if [ "$policy_added" = 1 ]; then "${SUDO[@]}" rm -f "$POLICY" || true; fi
}
trap cleanup EXIT
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# temporary, from .ci/install-system-deps.sh\nexit 101\n' |
    "${SUDO[@]}" tee "$POLICY" >/dev/null || die "cannot write $POLICY"
  "${SUDO[@]}" chmod 755 "$POLICY"
  policy_added=1
fi

log "apt-get update"
"${SUDO[@]}" apt-get update -q || die "apt-get update failed"
log "apt-get install prometheus"
# --no-install-recommends: skips prometheus-node-exporter (another daemon) and its ~30 extras.
"${SUDO[@]}" apt-get install -y -q --no-install-recommends prometheus ||
  die "apt-get install prometheus failed"

# Belt and braces: stop the system service should anything have started it anyway. Only the
# package's own service is touched (systemd unit or the init script's pidfile), never a
# prometheus process that a test harness started.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  "${SUDO[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
elif [ -f /run/prometheus/prometheus.pid ] && [ -x /etc/init.d/prometheus ]; then
  "${SUDO[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
if [ -f /run/prometheus/prometheus.pid ] &&
  "${SUDO[@]}" kill -0 "$(cat /run/prometheus/prometheus.pid)" 2>/dev/null; then
  die "the Debian prometheus service is still running (pid $(cat /run/prometheus/prometheus.pid)); stop it"
fi

command -v prometheus >/dev/null 2>&1 || die "prometheus not on PATH after install"
command -v promtool >/dev/null 2>&1 || die "promtool not on PATH after install"
log "installed: $(prometheus --version 2>&1 | head -n 1)"
