# shellcheck shell=bash
# Common settings for the pulumi-lvs lab scripts (sourced, not executed).
LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAB_DIR/.." && pwd)"
LAB_HOME="${PULUMI_LVS_LAB_HOME:-${HOME:-/root}/.cache/pulumi-lvs-lab}"
RUN_DIR="$LAB_HOME/run"
IMAGES_DIR="$LAB_HOME/images"
LAB_NETNS="${PULUMI_LVS_LAB_NETNS:-pulumi-lvs-lab}"
LAB_BRIDGE="labbr0"
LAB_VETH_HOST="lvslab0"   # host side of the host<->lab veth
LAB_VETH_LAB="lvslab0b"   # lab (bridge) side, lives in $LAB_NETNS
DEBIAN_MIRROR="${PULUMI_LVS_LAB_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SUITE="bookworm"

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

find_node() {
  if [ -n "${NODE:-}" ] && [ -x "$NODE" ]; then echo "$NODE"; return; fi
  if command -v node >/dev/null 2>&1; then command -v node; return; fi
  if [ -x "$REPO_DIR/node_modules/.bin/node" ]; then echo "$REPO_DIR/node_modules/.bin/node"; return; fi
  die "node not found (run npm ci, or put node on PATH)"
}

# The kernel ABI package that the image uses (e.g. linux-image-6.1.0-56-amd64).
kernel_package() {
  if [ -n "${PULUMI_LVS_LAB_KERNEL:-}" ]; then echo "$PULUMI_LVS_LAB_KERNEL"; return; fi
  local p
  p="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
  if [ -z "$p" ]; then
    log "apt lists lack linux-image-amd64; running apt-get update"
    apt-get update -qq >&2 || true
    p="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
  fi
  [ -n "$p" ] || die "cannot resolve the linux-image-amd64 ABI package (apt-cache)"
  echo "$p"
}

# Hash of the image recipe + kernel package version => cache key.
image_key() {
  local kp kv
  kp="$(kernel_package)"
  kv="$(apt-cache policy "$kp" 2>/dev/null | awk '/Candidate:/{print $2; exit}')"
  {
    echo "kernel=$kp $kv suite=$DEBIAN_SUITE"
    (cd "$LAB_DIR/image" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  } | sha256sum | cut -c1-16
}
