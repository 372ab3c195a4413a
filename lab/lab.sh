#!/usr/bin/env bash
# pulumi-lvs lab: Debian qemu VMs (TCG) on an isolated L2 segment.
#   bash lab/lab.sh build [--force]        build (or reuse) the cached image
#   bash lab/lab.sh up [topology] [--keep]  boot a topology (default: default); fresh disks unless --keep
#   bash lab/lab.sh down [--purge]          stop the lab's VMs, remove netns/veth/taps (idempotent);
#                                           --purge also deletes the VM disks (overlays)
#   bash lab/lab.sh status                  show hosts, PIDs, SSH reachability
#   bash lab/lab.sh ssh [user@]host [cmd…]  ssh into a host (root by default)
#   bash lab/lab.sh console host            follow a host's serial console log
#   bash lab/lab.sh wait [host…]            wait until hosts are SSH-ready (e.g. after a reboot)
#   bash lab/lab.sh poweroff host           cut one host's power (kill its qemu); `start host` boots it again
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NODE_BIN="$(find_node)"
TOPO_JS="$LAB_DIR/topology.js"
STATE="$RUN_DIR/lab.json"
SSH_DIR="$RUN_DIR/ssh"
KEY="$SSH_DIR/id_ed25519"
KNOWN_HOSTS="$SSH_DIR/known_hosts"
ACCEL="${PULUMI_LVS_LAB_ACCEL:-tcg}"       # tcg (default) | kvm (only if you know it works here)
TB_SIZE="${PULUMI_LVS_LAB_TB_SIZE:-128}"   # TCG translation cache (MiB) per VM: bounds host RAM
READY_TIMEOUT="${PULUMI_LVS_LAB_READY_TIMEOUT:-600}"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

ssh_opts() {
  echo -F /dev/null -i "$KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$KNOWN_HOSTS" \
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o ConnectTimeout=5 -o LogLevel=ERROR -o ServerAliveInterval=5 -o ServerAliveCountMax=6
}
ssh_mux_opts() { echo -o ControlMaster=auto -o "ControlPath=$SSH_DIR/cm-%C" -o ControlPersist=60; }

# --- processes -------------------------------------------------------------
# A PID counts as ours only if its cmdline is a qemu with our marker for that host.
is_lab_qemu() { # pid host
  local pid="$1" host="$2" cmd
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *qemu-system* && "$cmd" == *"-name pulumi-lvs-lab-$host "* ]]
}
host_pid() { cat "$RUN_DIR/hosts/$1/qemu.pid" 2>/dev/null || true; }
host_alive() { is_lab_qemu "$(host_pid "$1")" "$1"; }

kill_pid() { # pid: TERM, wait up to 10 s, then KILL
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

# --- topology --------------------------------------------------------------
resolve_topology() { # name-or-path -> path
  local t="${1:-default}"
  if [ -f "$t" ]; then echo "$(cd "$(dirname "$t")" && pwd)/$(basename "$t")"; return; fi
  [ -f "$LAB_DIR/topologies/$t.json" ] || die "no topology '$t' (lab/topologies/*.json or a file path)"
  echo "$LAB_DIR/topologies/$t.json"
}

load_topology() { # path -> globals TOPO_NAME PREFIX HOST_ADDR MEM CONC HOST_ADDR6; arrays H_NAME H_ADDR H_MAC H_ROLES H_MEM H_ADDR6
  local line first=1
  H_NAME=(); H_ADDR=(); H_MAC=(); H_ROLES=(); H_MEM=(); H_ADDR6=()
  local out; out="$("$NODE_BIN" "$TOPO_JS" check "$1")" || exit 2
  while read -r a b c d e f; do
    if [ $first = 1 ]; then TOPO_NAME=$a PREFIX=$b HOST_ADDR=$c MEM=$d CONC=$e HOST_ADDR6=$f; first=0; continue; fi
    H_NAME+=("$a"); H_ADDR+=("$b"); H_MAC+=("$c"); H_ROLES+=("$d"); H_MEM+=("$e"); H_ADDR6+=("$f")
  done <<< "$out"
}

state_hosts() { [ -f "$STATE" ] && "$NODE_BIN" -e 'console.log(Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1]))["hosts"]).join(" "))' "$STATE"; }
state_field() { "$NODE_BIN" -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(s[process.argv[2]]??"")' "$STATE" "$1"; }

# --- network ---------------------------------------------------------------
net_up() { # prefix hostaddr [hostaddr6 or -]
  ip netns add "$LAB_NETNS"
  ip -n "$LAB_NETNS" link set lo up
  ip -n "$LAB_NETNS" link add "$LAB_BRIDGE" type bridge stp_state 0 forward_delay 0
  ip -n "$LAB_NETNS" link set "$LAB_BRIDGE" up
  # host <-> lab bridge veth: the host gets <hostAddress>/<prefix> (connected route to the lab subnet only)
  ip link add "$LAB_VETH_HOST" type veth peer name "$LAB_VETH_LAB" netns "$LAB_NETNS"
  ip -n "$LAB_NETNS" link set "$LAB_VETH_LAB" master "$LAB_BRIDGE" up
  if [ "${3:--}" = - ]; then
    sysctl -qw "net.ipv6.conf.$LAB_VETH_HOST.disable_ipv6=1" 2>/dev/null || true   # IPv4-only segment
  else
    # The lab's ULA /64: a connected route only (no route out); no router adverts are taken from the lab.
    sysctl -qw "net.ipv6.conf.$LAB_VETH_HOST.accept_ra=0" 2>/dev/null || true
    ip -6 addr add "$3/64" dev "$LAB_VETH_HOST" nodad
  fi
  ip addr add "$2/$1" dev "$LAB_VETH_HOST"
  ip link set "$LAB_VETH_HOST" up
}

net_down() {
  ip link del "$LAB_VETH_HOST" 2>/dev/null || true
  if ip netns list 2>/dev/null | grep -qw "$LAB_NETNS"; then
    ip netns del "$LAB_NETNS" 2>/dev/null || true
  fi
}

# --- commands --------------------------------------------------------------
# The image build logs each step as it starts (on stderr); each line gets the time since the build began, as it goes.
build_image() {
  local t0; t0="$(date +%s)"
  bash "$LAB_DIR/image/build.sh" "$@" 2> >(while IFS= read -r line; do printf '%s [+%ss]\n' "$line" "$(( $(date +%s) - t0 ))"; done >&2)
}
cmd_build() { build_image "$@"; }

cmd_down() {
  local h pid stopped=0
  # 1) VMs recorded in pid files (verified by cmdline)
  if [ -d "$RUN_DIR/hosts" ]; then
    for d in "$RUN_DIR"/hosts/*/; do
      [ -d "$d" ] || continue
      h="$(basename "$d")"; pid="$(host_pid "$h")"
      if is_lab_qemu "$pid" "$h"; then kill_pid "$pid"; stopped=$((stopped + 1)); fi
      rm -f "$d/qemu.pid"
    done
  fi
  # 2) stragglers inside our netns (a crashed run that lost its pid files)
  if ip netns list 2>/dev/null | grep -qw "$LAB_NETNS"; then
    for pid in $(ip netns pids "$LAB_NETNS" 2>/dev/null); do
      if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'qemu-system.*-name pulumi-lvs-lab-'; then
        kill_pid "$pid"; stopped=$((stopped + 1))
      fi
    done
  fi
  # 3) ssh control masters
  for s in "$SSH_DIR"/cm-*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true
    rm -f "$s" 2>/dev/null || true
  done
  net_down
  rm -f "$STATE"
  if [ "${1:-}" = "--purge" ]; then rm -rf "$RUN_DIR/hosts"; log "purged VM disks"; fi
  log "down ($stopped VM(s) stopped; netns $LAB_NETNS and veth $LAB_VETH_HOST removed)"
}

ensure_keys() {
  mkdir -p "$SSH_DIR"; chmod 700 "$SSH_DIR"
  [ -f "$KEY" ] || ssh-keygen -q -t ed25519 -N '' -C pulumi-lvs-lab -f "$KEY"
}

wait_ready() { # host addr deadline-seconds -> 0 when `systemctl is-system-running --wait` says running/degraded
  local h="$1" a="$2" limit="$3" t0 out
  t0=$(date +%s)
  while :; do
    if ! host_alive "$h"; then log "$h: qemu exited (see $RUN_DIR/hosts/$h/console.log)"; return 1; fi
    # shellcheck disable=SC2046
    out="$(timeout 120 ssh $(ssh_opts) "root@$a" 'systemctl is-system-running --wait 2>/dev/null' 2>/dev/null)" || true
    case "$out" in
      running) return 0 ;;
      degraded)
        # shellcheck disable=SC2046
        log "$h: degraded: $(ssh $(ssh_opts) "root@$a" 'systemctl --failed --no-legend --plain | cut -d" " -f1 | tr "\n" " "' 2>/dev/null)"
        return 0 ;;
    esac
    [ $(( $(date +%s) - t0 )) -lt "$limit" ] || { log "$h: not ready after ${limit}s"; return 1; }
    sleep 2
  done
}

close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do
    [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
  done
}

start_vm() { # index
  local i="$1" h="${H_NAME[$1]}" dir="$RUN_DIR/hosts/${H_NAME[$1]}"
  local tap="lt-$h" accel_opt
  if [ "$ACCEL" = kvm ]; then accel_opt="kvm"; else accel_opt="tcg,tb-size=$TB_SIZE"; fi
  ip -n "$LAB_NETNS" tuntap add dev "$tap" mode tap
  ip -n "$LAB_NETNS" link set "$tap" master "$LAB_BRIDGE" up
  : > "$dir/console.log"
  # qemu daemonizes and lives on: it must not inherit the caller's descriptors (e.g. a `flock` lock on the lab).
  ( close_inherited_fds; exec ip netns exec "$LAB_NETNS" qemu-system-x86_64 \
    -name "pulumi-lvs-lab-$h" \
    -accel "$accel_opt" -cpu max -smp 1 -m "${H_MEM[$i]}" \
    -nodefaults -display none -monitor none \
    -serial "file:$dir/console.log" \
    -qmp "unix:$dir/qmp.sock,server=on,wait=off" \
    -kernel "$IMAGE/vmlinuz" -initrd "$dir/initrd.img" \
    -append "console=ttyS0,115200 root=/dev/vda rw net.ifnames=0 systemd.hostname=$h quiet loglevel=3 panic=10 random.trust_cpu=on mitigations=off" \
    -drive "file=$dir/disk.qcow2,if=virtio,format=qcow2,cache=unsafe,discard=unmap" \
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
    -device "virtio-net-pci,netdev=n0,mac=${H_MAC[$i]}" \
    -object rng-random,filename=/dev/urandom,id=rng0 -device virtio-rng-pci,rng=rng0 \
    -daemonize -pidfile "$dir/qemu.pid" ) \
    >>"$dir/qemu.log" 2>&1 || { cat "$dir/qemu.log" >&2; return 1; }
}

prepare_host() { # index
  local i="$1" h="${H_NAME[$1]}" dir="$RUN_DIR/hosts/${H_NAME[$1]}" ov
  mkdir -p "$dir/initrd/lab"
  ov="$dir/disk.qcow2"
  if [ "$KEEP" = 1 ] && [ -f "$ov" ] && [ "$(cat "$dir/image" 2>/dev/null)" = "$IMAGE" ]; then
    log "$h: keeping disk $ov"
  else
    rm -f "$ov"
    qemu-img create -q -f qcow2 -b "$IMAGE/rootfs.raw" -F raw "$ov"
    echo "$IMAGE" > "$dir/image"
  fi
  local L="$dir/initrd/lab"
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$dir/ssh_host_ed25519_key"
  cp "$dir/ssh_host_ed25519_key" "$dir/ssh_host_ed25519_key.pub" "$L/"
  cp "$KEY.pub" "$L/authorized_keys"
  echo "$h" > "$L/hostname"
  "$NODE_BIN" "$TOPO_JS" hosts-file "$TOPO_FILE" > "$L/hosts"
  if [ "${H_ADDR6[$i]:--}" = - ]; then
    cat > "$L/10-lab.network" <<NET
[Match]
Name=eth0

[Network]
Address=${H_ADDR[$i]}/$PREFIX
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
  else
    # Dual-stack: the ULA address too, and a link-local one (VRRPv3 and neighbour discovery expect one on the link).
    cat > "$L/10-lab.network" <<NET
[Match]
Name=eth0

[Network]
Address=${H_ADDR[$i]}/$PREFIX
Address=${H_ADDR6[$i]}/64
LinkLocalAddressing=ipv6
IPv6AcceptRA=no
NET
  fi
  (cd "$dir/initrd" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$dir/initrd-host.cpio"
  # uncompressed per-host cpio first, then the gzip base (the kernel handles that order reliably)
  cat "$dir/initrd-host.cpio" "$IMAGE/initrd-base.img" > "$dir/initrd.img"
  rm -rf "$dir/initrd"
  printf '%s,%s %s\n' "${H_ADDR[$i]}" "$h" "$(cut -d' ' -f1-2 "$dir/ssh_host_ed25519_key.pub")" >> "$KNOWN_HOSTS.new"
}

boot_one() { # index (runs in a background job)
  local i="$1" t0; t0=$(now)
  start_vm "$i" || return 1
  wait_ready "${H_NAME[$i]}" "${H_ADDR[$i]}" "$READY_TIMEOUT" || return 1
  log "${H_NAME[$i]}: ready in $(elapsed "$t0") s"
}

cmd_up() {
  local topo="" arg
  KEEP=0
  for arg in "$@"; do
    case "$arg" in
      --keep) KEEP=1 ;;
      --fresh) KEEP=0 ;;
      -*) die "unknown option $arg" ;;
      *) topo="$arg" ;;
    esac
  done
  TOPO_FILE="$(resolve_topology "${topo:-default}")"
  load_topology "$TOPO_FILE"
  command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
  [ "$(id -u)" = 0 ] || die "the lab needs root (netns, taps)"

  if [ -f "$STATE" ]; then
    local running=0 total=0 h cur
    for h in $(state_hosts); do total=$((total + 1)); host_alive "$h" && running=$((running + 1)); done
    cur="$(state_field topology)"
    if [ "$total" -gt 0 ] && [ "$running" = "$total" ]; then
      [ "$cur" = "$TOPO_NAME" ] || die "lab is up with topology '$cur'; run 'lab.sh down' first"
      log "lab already up (topology $cur, $total hosts); nothing to do ('down' then 'up' for fresh hosts)"
      return 0
    fi
    log "found a partial lab ($running/$total running): cleaning up first"
  fi
  cmd_down 2>/dev/null || true

  IMAGE="$(build_image | tail -1)"
  [ -f "$IMAGE/manifest.json" ] || die "image build failed"
  KVER="$("$NODE_BIN" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).kernelVersion)' "$IMAGE/manifest.json")"

  # refuse to shadow an existing route/address for the lab subnet on the host
  if ip -4 route show | grep -v "dev $LAB_VETH_HOST" | grep -q "^${HOST_ADDR%.*}\."; then
    die "host already has a route into ${HOST_ADDR%.*}.0/$PREFIX; pick another subnet"
  fi

  ensure_keys
  mkdir -p "$RUN_DIR/hosts"
  # forget hosts of other topologies (their disks would only fill the cache)
  local d
  for d in "$RUN_DIR"/hosts/*/; do
    [ -d "$d" ] || continue
    [[ " ${H_NAME[*]} " == *" $(basename "$d") "* ]] || rm -rf "$d"
  done
  rm -f "$KNOWN_HOSTS.new"
  local i
  for i in "${!H_NAME[@]}"; do prepare_host "$i"; done
  mv "$KNOWN_HOSTS.new" "$KNOWN_HOSTS"

  net_up "$PREFIX" "$HOST_ADDR" "$HOST_ADDR6"
  local t0 started_at conc="${PULUMI_LVS_LAB_BOOT_CONCURRENCY:-$CONC}" failed=0
  t0=$(now); started_at="$(date -u +%FT%TZ)"
  log "booting ${#H_NAME[@]} hosts (topology $TOPO_NAME, $ACCEL, ${MEM} MiB, at most $conc booting at once)"
  local running_jobs=0
  for i in "${!H_NAME[@]}"; do
    if [ "$running_jobs" -ge "$conc" ]; then
      wait -n || failed=1
      running_jobs=$((running_jobs - 1))
    fi
    boot_one "$i" &
    running_jobs=$((running_jobs + 1))
    sleep 0.5
  done
  while [ "$running_jobs" -gt 0 ]; do wait -n || failed=1; running_jobs=$((running_jobs - 1)); done
  local secs; secs="$(elapsed "$t0")"
  LAB_RUN_DIR="$RUN_DIR" LAB_VETH_HOST="$LAB_VETH_HOST" LAB_NETNS="$LAB_NETNS" LAB_BRIDGE="$LAB_BRIDGE" \
    LAB_IMAGE="$IMAGE" LAB_KVER="$KVER" LAB_ACCEL="$ACCEL" LAB_STARTED_AT="$started_at" LAB_BOOT_SECONDS="$secs" \
    "$NODE_BIN" "$TOPO_JS" write-state "$TOPO_FILE" "$STATE"
  if [ "$failed" != 0 ]; then
    log "some hosts failed to boot; state in $STATE, consoles in $RUN_DIR/hosts/*/console.log"
    return 1
  fi
  log "boot-to-ready ${#H_NAME[@]} hosts $secs s"
  log "up: $STATE   (ssh: bash lab/lab.sh ssh <host>)"
}

cmd_status() {
  if [ ! -f "$STATE" ]; then
    echo "lab is down"
    ip netns list 2>/dev/null | grep -qw "$LAB_NETNS" && echo "(but netns $LAB_NETNS exists: run 'lab.sh down')"
    return 0
  fi
  echo "topology: $(state_field topology)   subnet: $(state_field subnet)   host: $(state_field hostAddress) ($LAB_VETH_HOST)"
  local h a pid st reach
  for h in $(state_hosts); do
    a="$("$NODE_BIN" "$TOPO_JS" lookup "$STATE" "$h")"; pid="$(host_pid "$h")"
    if host_alive "$h"; then
      st="running pid $pid"
      # shellcheck disable=SC2046
      reach="$(timeout 20 ssh $(ssh_opts) "root@$a" 'systemctl is-system-running' 2>/dev/null || echo unreachable)"
    else
      st="STOPPED"; reach="-"
    fi
    printf '%-8s %-15s %-20s ssh:%s\n' "$h" "$a" "$st" "$reach"
  done
}

cmd_ssh() {
  [ $# -ge 1 ] || die "usage: lab.sh ssh [user@]host [command…]"
  [ -f "$STATE" ] || die "lab is down"
  local target="$1" user=root host a; shift
  if [[ "$target" == *@* ]]; then user="${target%@*}"; host="${target#*@}"; else host="$target"; fi
  a="$("$NODE_BIN" "$TOPO_JS" lookup "$STATE" "$host")"
  local tty=-T; [ $# -eq 0 ] && [ -t 0 ] && tty=-t
  # shellcheck disable=SC2046
  exec ssh $(ssh_opts) $(ssh_mux_opts) $tty "$user@$a" "$@"
}

cmd_console() {
  [ $# -ge 1 ] || die "usage: lab.sh console host"
  exec tail -n 100 -f "$RUN_DIR/hosts/$1/console.log"
}

# Power cut: kill one host's qemu (no shutdown), as a failure test needs. `start` boots it again on its own disk.
cmd_poweroff() {
  local h="${1:?usage: lab.sh poweroff <host>}" pid
  [ -f "$STATE" ] || die "lab is down"
  pid="$(host_pid "$h")"
  is_lab_qemu "$pid" "$h" || die "$h is not running"
  kill -KILL "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  ip -n "$LAB_NETNS" link del "lt-$h" 2>/dev/null || true
  log "$h: powered off"
}

cmd_start() {
  local h="${1:?usage: lab.sh start <host>}" i t0
  [ -f "$STATE" ] || die "lab is down"
  host_alive "$h" && { log "$h: already running"; return 0; }
  TOPO_FILE="$(state_field topologyFile)"
  load_topology "$TOPO_FILE"
  IMAGE="$(state_field image)"
  for i in "${!H_NAME[@]}"; do [ "${H_NAME[$i]}" = "$h" ] && break; done
  [ "${H_NAME[$i]}" = "$h" ] || die "no host $h in $TOPO_FILE"
  t0=$(now)
  start_vm "$i"
  wait_ready "$h" "${H_ADDR[$i]}" "$READY_TIMEOUT"
  log "$h: started, ready in $(elapsed "$t0") s"
}

cmd_wait() {
  [ -f "$STATE" ] || die "lab is down"
  local hosts=("$@") h failed=0
  [ ${#hosts[@]} -gt 0 ] || read -r -a hosts <<< "$(state_hosts)"
  for h in "${hosts[@]}"; do
    wait_ready "$h" "$("$NODE_BIN" "$TOPO_JS" lookup "$STATE" "$h")" "$READY_TIMEOUT" || failed=1
  done
  return $failed
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status ;;
  ssh) shift; cmd_ssh "$@" ;;
  console) shift; cmd_console "$@" ;;
  wait) shift; cmd_wait "$@" ;;
  poweroff) shift; cmd_poweroff "$@" ;;
  start) shift; cmd_start "$@" ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ] && exit 2; exit 0 ;;
esac
