#!/usr/bin/env bash
# Brings up the services the test suite needs, on loopback only:
#
#   mosquitto         MQTT broker on 127.0.0.1:1883 (+ mosquitto_sub/mosquitto_pub)
#   postgres          PostgreSQL on 127.0.0.1:5432, databases `postgres` and `test`, trust auth
#   influxdb          InfluxDB 1.x on 127.0.0.1:8086 (RPC 127.0.0.1:8088)
#   victoria-metrics  VictoriaMetrics on 127.0.0.1:8428
#   modbus            python3-pymodbus with its server deps (for /usr/bin/python3) and mbpoll
#   chromium          Debian's Chromium, driven headless by the dashboard test (playwright-core)
#   netfault          iproute2 and iptables: network namespaces and dropped packets (fault tests)
#   protoc            protobuf-compiler: `protoc --decode_raw` reads Sparkplug payloads (independent decoder)
#   nats              nats-server: the JetStream tests start their own servers and clusters
#   systemd           systemd-analyze: `verify` checks the systemd unit
#
# Usage: tests/services.sh [SERVICE...]     (no argument: all of them)
#
# Running services are reused, stopped ones are started, missing Debian packages are installed
# when running as root. InfluxDB and VictoriaMetrics run detached with state, config and logs
# under $TAGFLOW_TEST_STATE (default /var/lib/tagflow-test as root, else /tmp/tagflow-test-UID).
# Prints one line per service; exits non-zero, saying how to fix it, when a service cannot be
# brought up.
set -euo pipefail

readonly READY_TIMEOUT=${TAGFLOW_SERVICES_TIMEOUT:-20}
if [[ $(id -u) -eq 0 ]]; then
  STATE=${TAGFLOW_TEST_STATE:-/var/lib/tagflow-test}
else
  STATE=${TAGFLOW_TEST_STATE:-/tmp/tagflow-test-$(id -u)}
fi
readonly STATE

say() { printf 'services: %s\n' "$*"; }
fail() { printf 'services: ERROR: %s\n' "$*" >&2; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# tcp_open PORT: something accepts connections on 127.0.0.1:PORT.
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until DESCRIPTION CMD...: retries CMD for up to READY_TIMEOUT seconds; gives up at once
# when the process started last by start_detached (STARTED_PID) has exited.
STARTED_PID=""
wait_until() {
  local what=$1 deadline=$((SECONDS + READY_TIMEOUT + 1))
  shift
  until "$@" >/dev/null 2>&1; do
    if [[ -n $STARTED_PID ]] && ! kill -0 "$STARTED_PID" 2>/dev/null; then
      fail "$what: the process exited during startup"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      fail "$what: not ready after ${READY_TIMEOUT}s"
      return 1
    fi
    sleep 0.2
  done
}

# apt_install PKG...: installs Debian packages (root only). `apt-get update` runs at most once.
# Package maintainer scripts are kept from starting services (a temporary policy-rc.d when the
# machine has none), so that this script starts them itself, bound to loopback.
APT_UPDATED=0
APT_LOG=""
apt_install() {
  if ! is_root; then
    fail "missing package(s) $*; install them with: sudo apt-get install $*"
    return 1
  fi
  APT_LOG=${APT_LOG:-$(mktemp /tmp/tagflow-apt.XXXXXX.log)}
  say "installing $* (apt-get; log: $APT_LOG)"
  if ((APT_UPDATED == 0)); then
    if ! apt-get update >>"$APT_LOG" 2>&1; then
      fail "apt-get update failed; see $APT_LOG"
      return 1
    fi
    APT_UPDATED=1
  fi
  local policy=/usr/sbin/policy-rc.d own_policy=0 rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
    >>"$APT_LOG" 2>&1 || rc=$?
  if ((own_policy)); then rm -f "$policy"; fi
  if ((rc != 0)); then
    fail "apt-get install $* failed (exit $rc); last lines of $APT_LOG:"
    tail -n 15 "$APT_LOG" >&2
    return 1
  fi
}

# need_cmd COMMAND PACKAGE: installs PACKAGE when COMMAND is missing.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || apt_install "$2" || return 1
  command -v "$1" >/dev/null 2>&1 || { fail "$1 still missing after installing $2"; return 1; }
}

# start_detached LOGFILE CMD...: runs CMD in its own session, surviving this script. The
# previous log is kept as LOGFILE.1. Sets STARTED_PID (setsid and nohup exec, so it is CMD's).
start_detached() {
  local log=$1
  shift
  [[ -f $log ]] && mv -f "$log" "$log.1"
  setsid nohup "$@" >"$log" 2>&1 </dev/null &
  STARTED_PID=$!
}

# ---------------------------------------------------------------------------------------------

svc_mosquitto() {
  local hint="start it by hand with: mosquitto -d -c /etc/mosquitto/mosquitto.conf"
  local missing=()
  command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || missing+=(mosquitto)
  command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}" || return 1
  fi
  # The tests start private brokers with `mosquitto -p PORT`: the binary must be on PATH.
  if ! command -v mosquitto >/dev/null 2>&1; then
    fail "mosquitto is installed at /usr/sbin/mosquitto but not on PATH; add /usr/sbin to PATH"
    return 1
  fi
  if ! tcp_open 1883; then
    if is_root && getent passwd mosquitto >/dev/null; then
      install -d -o mosquitto -g mosquitto /run/mosquitto /var/log/mosquitto
    fi
    local log="$STATE/mosquitto-start.log"
    mkdir -p "$STATE"
    if ! mosquitto -d -c /etc/mosquitto/mosquitto.conf >>"$log" 2>&1; then
      fail "mosquitto failed to start (see $log and /var/log/mosquitto/mosquitto.log); $hint"
      return 1
    fi
    wait_until "mosquitto on 127.0.0.1:1883" tcp_open 1883 || {
      fail "see /var/log/mosquitto/mosquitto.log; $hint"
      return 1
    }
  fi
  say "mosquitto up (127.0.0.1:1883)"
}

svc_postgres() {
  local installed_now=0
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    apt_install postgresql postgresql-client || return 1
    installed_now=1
  fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | head -1)
  local hint="start it by hand with: pg_ctlcluster --skip-systemctl-redirect ${version:-VERSION} main start"
  if [[ -z $version ]]; then
    fail "no PostgreSQL cluster under /etc/postgresql; create one with: pg_createcluster --start 15 main"
    return 1
  fi
  if ((installed_now)); then
    # A fresh Debian cluster uses peer/scram auth; the tests connect as postgres without a password.
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    cp "$hba" "$hba.orig"
    printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' \
      'host all all ::1/128 trust' >"$hba"
  fi
  if ! tcp_open 5432; then
    if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 &&
      ! tcp_open 5432; then
      fail "PostgreSQL $version/main failed to start (see /var/log/postgresql/); $hint"
      return 1
    fi
    wait_until "PostgreSQL on 127.0.0.1:5432" pg_isready -q -h 127.0.0.1 -p 5432 || {
      fail "$hint"
      return 1
    }
  elif ((installed_now)); then
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1 || true
  fi
  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres -At)
  local has_test err
  if ! has_test=$(PGCONNECT_TIMEOUT=5 "${psql[@]}" \
    -c "select 1 from pg_database where datname = 'test'" 2>&1); then
    fail "cannot connect as postgres to 127.0.0.1:5432/postgres: $has_test"
    fail "the tests need trust auth for 127.0.0.1 in /etc/postgresql/$version/main/pg_hba.conf" \
      "(line: host all all 127.0.0.1/32 trust), then: pg_ctlcluster $version main reload"
    return 1
  fi
  if [[ $has_test != 1 ]]; then
    if ! err=$("${psql[@]}" -c "create database test" 2>&1); then
      fail "cannot create database test: $err; create it with: psql -h 127.0.0.1 -U postgres -c 'create database test'"
      return 1
    fi
  fi
  say "postgres up (127.0.0.1:5432, databases postgres + test)"
}

influx_ready() { curl -sf -o /dev/null --max-time 1 http://127.0.0.1:8086/ping; }

svc_influxdb() {
  need_cmd curl curl || return 1
  local dir="$STATE/influxdb"
  local hint="start it by hand with: setsid nohup influxd -config $dir/influxdb.conf >>$dir/influxd.log 2>&1 &"
  if ! influx_ready; then
    need_cmd influxd influxdb || return 1
    if tcp_open 8086; then
      fail "127.0.0.1:8086 is taken by something that does not answer /ping like InfluxDB"
      return 1
    fi
    mkdir -p "$dir/meta" "$dir/data" "$dir/wal"
    cat >"$dir/influxdb.conf" <<EOF
# Written by tests/services.sh: InfluxDB 1.x for the Tagflow tests, loopback only.
reporting-disabled = true
bind-address = "127.0.0.1:8088"

[meta]
  dir = "$dir/meta"

[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:8086"
  auth-enabled = false
  log-enabled = false
EOF
    start_detached "$dir/influxd.log" influxd -config "$dir/influxdb.conf" -pidfile "$dir/influxd.pid"
    wait_until "InfluxDB on 127.0.0.1:8086" influx_ready || {
      tail -n 5 "$dir/influxd.log" >&2 || true
      fail "see $dir/influxd.log; $hint"
      return 1
    }
  fi
  say "influxdb up (127.0.0.1:8086)"
}

vm_ready() { curl -sf -o /dev/null --max-time 1 http://127.0.0.1:8428/health; }

svc_victoria_metrics() {
  need_cmd curl curl || return 1
  local dir="$STATE/victoria-metrics"
  local cmd="victoria-metrics -httpListenAddr 127.0.0.1:8428 -storageDataPath $dir/data -search.latencyOffset=1s"
  local hint="start it by hand with: setsid nohup $cmd >>$dir/victoria-metrics.log 2>&1 &"
  if ! vm_ready; then
    need_cmd victoria-metrics victoria-metrics || return 1
    if tcp_open 8428; then
      fail "127.0.0.1:8428 is taken by something that does not answer /health like VictoriaMetrics"
      return 1
    fi
    mkdir -p "$dir/data"
    # shellcheck disable=SC2086 # $cmd is a fixed list of words
    start_detached "$dir/victoria-metrics.log" $cmd
    wait_until "VictoriaMetrics on 127.0.0.1:8428" vm_ready || {
      tail -n 5 "$dir/victoria-metrics.log" >&2 || true
      fail "see $dir/victoria-metrics.log; $hint"
      return 1
    }
  fi
  say "victoria-metrics up (127.0.0.1:8428)"
}

# The server side of pymodbus also needs pyserial and serial_asyncio, which Debian packages apart.
pymodbus_version() { /usr/bin/python3 -c 'import pymodbus, pymodbus.server; print(pymodbus.__version__)' 2>/dev/null; }

svc_modbus() {
  local missing=() version
  [[ -x /usr/bin/python3 ]] && version=$(pymodbus_version) || missing+=(python3-pymodbus python3-serial python3-serial-asyncio)
  command -v mbpoll >/dev/null 2>&1 || missing+=(mbpoll)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}" || return 1
    version=$(pymodbus_version) || {
      fail "/usr/bin/python3 cannot import pymodbus.server; install: apt-get install python3-pymodbus python3-serial python3-serial-asyncio"
      return 1
    }
    command -v mbpoll >/dev/null 2>&1 || { fail "mbpoll missing; install it with: apt-get install mbpoll"; return 1; }
  fi
  say "modbus tools present (/usr/bin/python3 pymodbus $version, $(command -v mbpoll))"
}

svc_chromium() {
  if ! [[ -x /usr/bin/chromium ]]; then
    apt_install chromium || return 1
    [[ -x /usr/bin/chromium ]] || { fail "chromium missing; install it with: apt-get install chromium"; return 1; }
  fi
  say "chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
}

svc_netfault() {
  need_cmd ip iproute2 || return 1
  need_cmd iptables iptables || return 1
  say "netfault tools present ($(iptables --version))"
}

svc_protoc() {
  need_cmd protoc protobuf-compiler || return 1
  say "protoc present ($(protoc --version))"
}

svc_nats() {
  [[ -x /usr/sbin/nats-server ]] || apt_install nats-server || return 1
  [[ -x /usr/sbin/nats-server ]] || { fail "nats-server still missing after installing it"; return 1; }
  say "nats-server present ($(/usr/sbin/nats-server --version))"
}

svc_systemd() {
  need_cmd systemd-analyze systemd || return 1
  say "systemd-analyze present ($(systemd-analyze --version | head -n 1))"
}

# ---------------------------------------------------------------------------------------------

ALL=(mosquitto postgres influxdb victoria-metrics modbus chromium netfault protoc nats systemd)

usage() {
  printf 'usage: %s [%s]...\n' "$0" "$(IFS='|'; echo "${ALL[*]}")" >&2
}

selected=()
for arg in "${@:-${ALL[@]}}"; do
  case $arg in
    mosquitto | mqtt) selected+=(mosquitto) ;;
    postgres | postgresql | pg) selected+=(postgres) ;;
    influxdb | influx) selected+=(influxdb) ;;
    victoria-metrics | victoriametrics | vm) selected+=(victoria-metrics) ;;
    modbus | pymodbus | mbpoll) selected+=(modbus) ;;
    chromium | browser) selected+=(chromium) ;;
    netfault | iptables) selected+=(netfault) ;;
    protoc | protobuf-compiler) selected+=(protoc) ;;
    nats | nats-server) selected+=(nats) ;;
    systemd | systemd-analyze) selected+=(systemd) ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown service '$arg'"; usage; exit 2 ;;
  esac
done

failed=()
declare -A done_=()
for svc in "${selected[@]}"; do
  [[ -n ${done_[$svc]:-} ]] && continue
  done_[$svc]=1
  STARTED_PID=""
  if ! "svc_${svc//-/_}"; then
    failed+=("$svc")
  fi
done

if ((${#failed[@]})); then
  fail "not available: ${failed[*]} (tests that need them will fail)"
  exit 1
fi
