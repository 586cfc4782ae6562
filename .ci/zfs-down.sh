#!/usr/bin/env bash
# Cleans up after the integration tests: destroys leftover test pools (named xrepl_t*, never any
# other pool) and stops the zfs-fuse daemon if zfs-up.sh started it, waiting until it has exited.
# Usage: .ci/zfs-down.sh STATE_DIR
set -uo pipefail

state_dir=${1:?usage: zfs-down.sh STATE_DIR}

if command -v zpool >/dev/null 2>&1 && zpool list >/dev/null 2>&1; then
  for name in $(zpool list -H -o name 2>/dev/null | grep '^xrepl_t' || true); do
    echo "zfs-down: destroying leftover test pool $name"
    for _ in $(seq 1 10); do
      zpool destroy -f "$name" 2>/dev/null && break
      sleep 0.5
    done
  done
fi

if [ -f "$state_dir/zfs-fuse.started" ]; then
  pid=$(cat "$state_dir/zfs-fuse.started")
  if kill -0 "$pid" 2>/dev/null; then
    echo "zfs-down: stopping zfs-fuse (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    # zfs-fuse takes several seconds to exit (ZFS.md); a new daemon must not start before.
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "zfs-down: zfs-fuse still running after 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$state_dir/zfs-fuse.started"
fi
