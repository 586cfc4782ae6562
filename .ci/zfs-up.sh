#!/usr/bin/env bash
# Makes real ZFS available for the integration tests: installs zfs-fuse (and openssh-server for
# the ssh tests) when missing, starts the zfs-fuse daemon unless one already answers, and waits
# until `zpool list` answers. Usage: .ci/zfs-up.sh STATE_DIR
# When it starts the daemon it writes STATE_DIR/zfs-fuse.started (the pid) so that zfs-down.sh
# stops exactly that daemon and never one it did not start.
set -euo pipefail

state_dir=${1:?usage: zfs-up.sh STATE_DIR}
mkdir -p "$state_dir"

need_install=()
command -v zfs-fuse >/dev/null 2>&1 || need_install+=(zfs-fuse)
[ -x /usr/sbin/sshd ] || need_install+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need_install+=(openssh-client)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "zfs-up: installing ${need_install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

if [ ! -e /dev/fuse ]; then
  echo "zfs-up: /dev/fuse is missing; zfs-fuse cannot run here" >&2
  exit 1
fi

if zpool list >/dev/null 2>&1; then
  echo "zfs-up: a zfs-fuse daemon already answers; using it"
else
  zfs-fuse --no-daemon -p "$state_dir/zfs-fuse.pid" >"$state_dir/zfs-fuse.log" 2>&1 &
  echo $! >"$state_dir/zfs-fuse.started"
  for _ in $(seq 1 150); do
    zpool list >/dev/null 2>&1 && break
    if ! kill -0 "$(cat "$state_dir/zfs-fuse.started")" 2>/dev/null; then
      echo "zfs-up: zfs-fuse exited at start:" >&2
      cat "$state_dir/zfs-fuse.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  zpool list >/dev/null 2>&1 || { echo "zfs-up: zfs-fuse never answered" >&2; exit 1; }
  echo "zfs-up: zfs-fuse started (pid $(cat "$state_dir/zfs-fuse.started"))"
fi

# The daemon re-imports pools from /etc/zfs/zpool.cache; test pools of an earlier run whose
# images are gone show up FAULTED. Only pools named like ours (xrepl_t*) are cleared.
zpool list -H -o name,health 2>/dev/null | while read -r name health; do
  case "$name" in
    xrepl_t*)
      if [ "$health" != ONLINE ]; then
        echo "zfs-up: clearing leftover test pool $name ($health)"
        zpool destroy -f "$name" || true
      fi
      ;;
  esac
done
