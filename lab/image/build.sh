#!/usr/bin/env bash
# Builds the lab's Debian image (rootfs.raw + vmlinuz + initrd-base.img) into
#   $PULUMI_LVS_LAB_HOME/images/<key>/
# where <key> hashes every file in lab/image/ plus the kernel package version.
# Usage: bash lab/image/build.sh [--force]   (prints the image directory on stdout)
set -euo pipefail
# shellcheck source=../common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

# Packages debootstrap installs into the image (everything a lab host has out of the box).
INCLUDE="systemd-sysv,udev,dbus,openssh-server,iproute2,kmod,iptables,procps,sudo,curl,busybox,tcpdump,python3,netbase,iputils-ping,less"
# Packages (plus their dependencies and recommends) offered by the image's offline apt repo.
# NOT installed: the provisioner installs them with apt-get.
REPO_PKGS="keepalived ipvsadm nftables ipset conntrack arping"
# Initramfs modules (the Debian kernel builds virtio/ext4 as modules).
INITRD_MODS="virtio_pci virtio_blk crc32c_generic ext4"
IMAGE_SIZE="${PULUMI_LVS_LAB_IMAGE_SIZE:-2G}"

KP="$(kernel_package)"
KVER="${KP#linux-image-}"
KEY="$(image_key)"
OUT="$IMAGES_DIR/$KEY"
if [ "$FORCE" = 0 ] && [ -f "$OUT/manifest.json" ]; then
  log "image cached: $OUT"
  echo "$OUT"
  exit 0
fi

for t in debootstrap mkfs.ext4 cpio busybox apt-get dpkg-deb; do
  command -v "$t" >/dev/null || die "missing host tool: $t"
done
BUSYBOX="$(command -v busybox)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'dynamically linked' && die "$BUSYBOX is not static (apt-get install busybox-static)"

mkdir -p "$IMAGES_DIR"
WORK="$(mktemp -d "$IMAGES_DIR/.build-XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
ROOT="$WORK/rootfs"
T0=$(date +%s)

log "debootstrap $DEBIAN_SUITE (minbase) -> $ROOT"
debootstrap --variant=minbase --include="$INCLUDE" "$DEBIAN_SUITE" "$ROOT" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

log "kernel $KP"
mkdir -p "$WORK/kernel"
if ! (cd "$WORK/kernel" && apt-get download "$KP" >/dev/null 2>&1); then
  # stale apt lists (the ABI package moved on): refresh once and start over
  [ -z "${LAB_BUILD_RETRIED:-}" ] || die "apt-get download $KP failed"
  log "apt-get download $KP failed; apt-get update and retry"
  apt-get update -qq >&2 || true
  rm -rf "$WORK"; trap - EXIT
  LAB_BUILD_RETRIED=1 exec bash "$0" "$@"
fi
dpkg-deb -x "$WORK"/kernel/*.deb "$WORK/kernel/x"
mkdir -p "$ROOT/lib/modules"
cp -a "$WORK/kernel/x/lib/modules/$KVER" "$ROOT/lib/modules/"
# Drop driver families a virtio guest never loads (smaller image, faster mkfs).
for d in drivers/gpu drivers/media drivers/net/wireless drivers/infiniband drivers/staging drivers/bluetooth \
         drivers/isdn drivers/iio drivers/net/ethernet/mellanox drivers/scsi/lpfc drivers/scsi/qla2xxx \
         sound net/wireless net/mac80211 net/bluetooth; do
  rm -rf "$ROOT/lib/modules/$KVER/kernel/$d"
done
chroot "$ROOT" depmod -a "$KVER"

log "offline apt repository: $REPO_PKGS"
chroot "$ROOT" apt-get update -qq >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; die "apt-get update (image) failed"; }
chroot "$ROOT" apt-get clean
chroot "$ROOT" apt-get install -y -qq --download-only $REPO_PKGS >>"$WORK/apt.log" 2>&1 \
  || { cat "$WORK/apt.log" >&2; die "download of repo packages failed"; }
mkdir -p "$ROOT/opt/lab-apt"
mv "$ROOT"/var/cache/apt/archives/*.deb "$ROOT/opt/lab-apt/"
(
  cd "$ROOT/opt/lab-apt"
  for f in *.deb; do
    dpkg-deb -f "$f"
    echo "Filename: ./$f"
    echo "Size: $(stat -c %s "$f")"
    echo "SHA256: $(sha256sum "$f" | cut -d' ' -f1)"
    echo
  done > Packages
)
# The local repo is the ONLY apt source from here on (no network inside the lab).
echo 'deb [trusted=yes] file:/opt/lab-apt ./' > "$ROOT/etc/apt/sources.list"
rm -f "$ROOT"/etc/apt/sources.list.d/*
rm -rf "$ROOT"/var/lib/apt/lists/*
chroot "$ROOT" apt-get update -qq >>"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; die "apt-get update (local repo) failed"; }
chroot "$ROOT" apt-get clean
# Lab guests are slow (TCG): no Recommends by default (the repo still carries them, so
# `apt-get install --install-recommends` works), and dpkg skips fsync (disks are throwaway).
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$ROOT/etc/apt/apt.conf.d/90lab"
echo force-unsafe-io > "$ROOT/etc/dpkg/dpkg.cfg.d/90lab-unsafe-io"

log "configure image"
# No resolver: nothing in the lab resolves names outside /etc/hosts.
printf '# pulumi-lvs lab: no DNS\noptions timeout:1 attempts:1\n' > "$ROOT/etc/resolv.conf"
echo lab > "$ROOT/etc/hostname"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' > "$ROOT/etc/fstab"
: > "$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
# ssh: ed25519 host key only (injected per host by the initramfs), key-only logins.
rm -f "$ROOT"/etc/ssh/ssh_host_*
cat > "$ROOT/etc/ssh/sshd_config.d/lab.conf" <<'CONF'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxSessions 64
MaxStartups 64:30:128
CONF
# users: deploy (passwordless sudo), nopw (sudo needs a password)
chroot "$ROOT" useradd -m -u 1001 -s /bin/bash deploy
chroot "$ROOT" useradd -m -u 1002 -s /bin/bash -G sudo nopw
echo 'nopw:lab-nopw-password' | chroot "$ROOT" chpasswd
echo 'deploy ALL=(ALL:ALL) NOPASSWD:ALL' > "$ROOT/etc/sudoers.d/lab-deploy"
chmod 0440 "$ROOT/etc/sudoers.d/lab-deploy"
# networking: systemd-networkd, config written per host by the initramfs
chroot "$ROOT" systemctl enable systemd-networkd.service >/dev/null 2>&1
mkdir -p "$ROOT/etc/systemd/network" "$ROOT/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n' > "$ROOT/etc/systemd/journald.conf.d/lab.conf"
# Boot speed under TCG: every process spawn and module load is expensive, so mask what a
# headless virtio guest does not need (logind, binfmt, fuse/configfs/debugfs mounts, ...)
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
         fstrim.timer man-db.timer systemd-timesyncd.service getty@tty1.service \
         systemd-logind.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount \
         sys-fs-fuse-connections.mount sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
         dev-hugepages.mount modprobe@drm.service modprobe@efi_pstore.service modprobe@fuse.service \
         modprobe@loop.service modprobe@dm_mod.service modprobe@configfs.service systemd-pstore.service \
         systemd-network-generator.service systemd-remount-fs.service systemd-update-utmp.service \
         systemd-update-utmp-runlevel.service systemd-sysusers.service kmod-static-nodes.service \
         systemd-journal-flush.service systemd-tmpfiles-clean.timer; do
  chroot "$ROOT" systemctl mask "$u" >/dev/null 2>&1 || true
done
# Modules udev would autoload for emulated PC hardware / -cpu max features (slow under TCG, useless here)
cat > "$ROOT/etc/modprobe.d/lab-blacklist.conf" <<'CONF'
# pulumi-lvs lab: keep coldplug cheap under TCG
blacklist kvm_amd
blacklist kvm_intel
blacklist kvm
blacklist ccp
blacklist floppy
blacklist ata_piix
blacklist ata_generic
blacklist pata_acpi
blacklist psmouse
blacklist pcspkr
blacklist serio_raw
blacklist i2c_piix4
blacklist evdev
blacklist button
blacklist crct10dif_pclmul
blacklist crc32_pclmul
blacklist crc32c_intel
blacklist ghash_clmulni_intel
blacklist sha1_ssse3
blacklist sha256_ssse3
blacklist sha512_ssse3
blacklist aesni_intel
blacklist qemu_fw_cfg
CONF
# trim docs/locales
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/var/cache/debconf/*-old
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
rm -f "$ROOT/etc/resolv.conf.bak"

log "initramfs"
IR="$WORK/initrd"
mkdir -p "$IR"/{bin,dev,proc,sys,newroot,lab,lib/modules}
cp "$BUSYBOX" "$IR/bin/busybox"
cp "$LAB_DIR/image/init" "$IR/init"
chmod 755 "$IR/init" "$IR/bin/busybox"
MODDIR="$ROOT/lib/modules/$KVER"
: > "$IR/lib/modules/order"
add_mod() { # $1 = module name; appends deps first, then the module
  local name="$1" line path deps d
  line="$(grep -E "/${name//_/[_-]}\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep" | head -1)" || true
  [ -n "$line" ] || die "initramfs: module $name not found"
  path="${line%%:*}"
  deps="${line#*:}"
  for d in $(echo "$deps" | tr ' ' '\n' | tac); do
    local dn; dn="$(basename "$d")"; dn="${dn%%.ko*}"
    grep -qx "$dn" "$IR/lib/modules/order" || { cp "$MODDIR/$d" "$IR/lib/modules/$dn.ko"; echo "$dn" >> "$IR/lib/modules/order"; }
  done
  local n; n="$(basename "$path")"; n="${n%%.ko*}"
  grep -qx "$n" "$IR/lib/modules/order" || { cp "$MODDIR/$path" "$IR/lib/modules/$n.ko"; echo "$n" >> "$IR/lib/modules/order"; }
}
for m in $INITRD_MODS; do add_mod "$m"; done
mkdir -p "$WORK/out"
(cd "$IR" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$WORK/out/initrd-base.img"
cp "$WORK/kernel/x/boot/vmlinuz-$KVER" "$WORK/out/vmlinuz"
rm -rf "$ROOT/boot"/*

log "mkfs.ext4 -d ($IMAGE_SIZE, sparse)"
mkfs.ext4 -q -F -L labroot -E lazy_itable_init=0,lazy_journal_init=0 -d "$ROOT" "$WORK/out/rootfs.raw" "$IMAGE_SIZE" \
  || die "mkfs.ext4 failed"

T1=$(date +%s)
cat > "$WORK/out/manifest.json" <<JSON
{
  "key": "$KEY",
  "suite": "$DEBIAN_SUITE",
  "kernelPackage": "$KP",
  "kernelVersion": "$KVER",
  "repoPackages": "$REPO_PKGS",
  "builtAt": "$(date -u +%FT%TZ)",
  "buildSeconds": $((T1 - T0))
}
JSON
rm -rf "$OUT"
mv "$WORK/out" "$OUT"
# prune older images that no lab disk references
for d in "$IMAGES_DIR"/*/; do
  d="${d%/}"; [ "$d" = "$OUT" ] && continue
  grep -qsxF "$d" "$RUN_DIR"/hosts/*/image || rm -rf "$d"
done
log "image built in $((T1 - T0)) s: $OUT ($(du -sh --apparent-size "$OUT/rootfs.raw" | cut -f1) apparent, $(du -sh "$OUT/rootfs.raw" | cut -f1) used)"
echo "$OUT"
