#!/usr/bin/env bash
# Prints the path of a Debian 13 (trixie) root holding keepalived 2.3.x, building it first when it is not cached.
#
# Why: Debian 12's keepalived 2.2.7 kills its own --config-test whenever a script is configured (vrrp_script,
# track_script, MISC_CHECK; keepalived issue #2587, fixed in 2.2.8), so the config-test harness
# (test/support/keepalived-check.ts) tests those configs on this root's keepalived instead, in private namespaces.
#
# The root is built with debootstrap (minbase + keepalived + procps, for the scripts the tests configure) from the
# Debian archive this machine's apt sources name, and cached outside the repo under
# ${XDG_CACHE_HOME:-~/.cache}/pulumi-lvs-trixie-root/<recipe hash> (the hash of this file and the mirror): a changed
# recipe builds a new root. Cold: about 30 s and 310 MB; cached: instant. Needs root, debootstrap, and the mirror.
set -euo pipefail

mirror="${PULUMI_LVS_TRIXIE_MIRROR:-}"
if [ -z "$mirror" ]; then
  # The first Debian archive URI of the host's apt sources (deb822 .sources or one-line lists), not the security one.
  mirror=$(
    { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources || true
      grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed 's/^deb \(\[[^]]*\] \)\?/URIs: /' || true; } |
      awk '{print $2}' | grep -v security | grep '/debian/\?$' | head -n 1 || true
  )
fi
[ -n "$mirror" ] || { echo "trixie-keepalived: no Debian archive in the apt sources; set PULUMI_LVS_TRIXIE_MIRROR" >&2; exit 1; }

hash=$( { cat "$0"; echo "$mirror"; } | sha256sum | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-lvs-trixie-root"
root="$cache/$hash"
if [ -x "$root/usr/sbin/keepalived" ] && [ -e "$root/.pulumi-lvs-ready" ]; then
  echo "$root"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "trixie-keepalived: needs debootstrap (bash .ci/install-system-packages)" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock -w 900 9
if [ ! -e "$root/.pulumi-lvs-ready" ]; then
  start=$(date +%s)
  echo "trixie-keepalived: building a trixie root with keepalived into $root (about 30 s)" >&2
  rm -rf "$root.tmp"
  debootstrap --variant=minbase --include=keepalived,procps trixie "$root.tmp" "$mirror" >"$cache/$hash.log" 2>&1 ||
    { tail -n 20 "$cache/$hash.log" >&2; exit 1; }
  # keepalived refuses `script_user keepalived_script` for a user that does not exist; the provisioner creates it.
  chroot "$root.tmp" useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script
  chroot "$root.tmp" keepalived --version >&2
  touch "$root.tmp/.pulumi-lvs-ready"
  rm -rf "$root"
  mv "$root.tmp" "$root"
  # Older roots of other recipes are left to the cache's owner; only a failed build's leftovers go.
  echo "trixie-keepalived: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$root"
