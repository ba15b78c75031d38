#!/usr/bin/env bash
# Makes sure the services the integration tests talk to are installed and running:
# PostgreSQL, Redis and Mosquitto on their standard local ports, and Chromium for browser tests. Idempotent and quick when all
# are up; installs missing Debian packages when run as root (as CI does). Never uses systemd.
set -uo pipefail

log() { printf '[test-services] %s\n' "$*"; }
is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # port name
  for _ in $(seq 1 60); do is_open "$1" && return 0; sleep 0.5; done
  log "$2 did not come up on port $1"; return 1
}

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v mosquitto >/dev/null || missing+=(mosquitto)
[ -x /usr/bin/chromium ] || missing+=(chromium)   # the console's browser tests (Playwright drives Debian's Chromium)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)   # email tests start a private Dovecot per file (test/support/dovecot.ts)
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then log "missing Debian packages: ${missing[*]} (install them as root)"; exit 1; fi
  log "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || exit 1
fi

if ! is_open 5432; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || exit 1
  wait_for 5432 PostgreSQL || exit 1
fi
# Trust auth as user postgres and a database named test, as the tests expect.
if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
  if psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test' >/dev/null
  else
    log "cannot connect to PostgreSQL as postgres on 127.0.0.1 (trust auth expected)"; exit 1
  fi
fi

if ! is_open 6379; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || exit 1
  wait_for 6379 Redis || exit 1
fi

if ! is_open 1883; then
  log "starting Mosquitto"
  install -d -o mosquitto -g mosquitto /run/mosquitto /var/log/mosquitto 2>/dev/null || true
  mosquitto -d -c /etc/mosquitto/mosquitto.conf || exit 1
  wait_for 1883 Mosquitto || exit 1
fi
exit 0
