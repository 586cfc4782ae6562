# The recipe of the OpenZFS test VM images, sourced by .ci/openzfs-vm. The image cache is keyed
# by a hash of this file and the version, so any change here rebuilds the images; changes to the
# boot and stop logic in .ci/openzfs-vm do not.
#
# Facts this follows (../shared/OPENZFS-VM.md): Debian 12 `contrib` has OpenZFS 2.1.11,
# `bookworm-backports contrib` has 2.3.x; DKMS inside the chroot builds for the chroot's own
# kernel; a static guest address keeps networking.service from waiting for DHCP.

# Packages of the base tree, shared by both versions' images.
RECIPE_BASE_INCLUDE="systemd-sysv,udev,kmod,openssh-server,iproute2,ifupdown,procps,ca-certificates"
RECIPE_BASE_PACKAGES="linux-image-amd64 linux-headers-amd64 build-essential dkms"
RECIPE_IMAGE_SIZE="6G"

# recipe_apt_suites VERSION: the extra apt arguments that select the OpenZFS version.
recipe_install_args() {
  case "$1" in
    2.1) echo "" ;;
    2.3) echo "-t bookworm-backports" ;;
    *) return 1 ;;
  esac
}

# recipe_sources MIRROR SECURITY_MIRROR VERSION: the guest's sources.list.
recipe_sources() {
  local mirror=$1 security=$2 version=$3
  echo "deb $mirror bookworm main contrib"
  echo "deb $mirror bookworm-updates main contrib"
  echo "deb $security bookworm-security main contrib"
  if [ "$version" = 2.3 ]; then
    echo "deb $mirror bookworm-backports main contrib"
  fi
}

# recipe_configure_guest ROOT: settings that make the guest boot fast and quietly, and take the
# run's ssh key from the kernel command line (so that every `up` has its own key and the image
# holds none).
recipe_configure_guest() {
  local root=$1
  echo xrepl-openzfs >"$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 xrepl-openzfs\n' >"$root/etc/hosts"
  printf '/dev/vda / ext4 rw,noatime 0 1\n' >"$root/etc/fstab"
  cat >"$root/etc/network/interfaces" <<'EOF'
auto lo
iface lo inet loopback
auto eth0
iface eth0 inet static
  address 10.0.2.15/24
  gateway 10.0.2.2
EOF
  echo zfs >"$root/etc/modules-load.d/zfs.conf"
  mkdir -p "$root/root/.ssh"
  chmod 700 "$root/root/.ssh"
  cat >"$root/usr/local/sbin/xrepl-authorize-key" <<'EOF'
#!/bin/sh
# Writes the ssh key passed as xrepl.key=<base64> on the kernel command line.
for word in $(cat /proc/cmdline); do
  case "$word" in
    xrepl.key=*) echo "${word#xrepl.key=}" | base64 -d >/root/.ssh/authorized_keys ;;
  esac
done
chmod 600 /root/.ssh/authorized_keys 2>/dev/null || true
EOF
  chmod 755 "$root/usr/local/sbin/xrepl-authorize-key"
  cat >"$root/etc/systemd/system/xrepl-authorize-key.service" <<'EOF'
[Unit]
Description=Authorize the test run's ssh key
Before=ssh.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/xrepl-authorize-key
[Install]
WantedBy=multi-user.target
EOF
  ln -sf /etc/systemd/system/xrepl-authorize-key.service \
    "$root/etc/systemd/system/multi-user.target.wants/xrepl-authorize-key.service"
  printf 'UseDNS no\nPermitRootLogin prohibit-password\nMaxStartups 100:30:200\nMaxSessions 100\n' \
    >"$root/etc/ssh/sshd_config.d/xrepl.conf"
  ln -sf /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer man-db.timer fstrim.timer e2scrub_all.timer \
    zfs-scrub-monthly@.timer zfs-trim-monthly@.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
}
