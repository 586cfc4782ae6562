import { describe, expect, it } from 'vitest';
import { classifyFailure, permissionsFor } from '../../src/zfs/classify-failure.js';

// The texts OpenZFS prints, as its sources write them (openzfs/zfs master and zfs-2.1:
// lib/libzfs/libzfs_sendrecv.c, libzfs_util.c, libzfs_dataset.c, os/linux/libzfs_util_os.c,
// cmd/zfs/zfs_main.c), composed as zfs_error prints them ("<what failed>: <why>"), zfs-fuse 0.7's
// where it differs, and what a shell prints for a missing program.
const base = { exitCode: 1, signal: undefined, aborted: false, remote: false };

describe('OpenZFS error texts', () => {
  it.each([
    // Resume tokens (zfs_send_resume_impl_cb_impl).
    ["cannot resume send: 'p/f@s2' used in the initial send no longer exists\n", ['send', '-t', 'tok'], 'resume-token-stale', 'permanent'],
    ["cannot resume send: 'p/f@s2' is no longer the same snapshot used in the initial send\n", ['send', '-t', 'tok'], 'resume-token-stale', 'permanent'],
    ['cannot resume send: incremental source 0x3f5a2b1c4d5e6f70 no longer exists\n', ['send', '-t', 'tok'], 'resume-token-stale', 'permanent'],
    ['cannot resume send: resume token is corrupt\n', ['send', '-t', 'tok'], 'resume-token-stale', 'permanent'],
    // zfs_receive_one, EBUSY with a token on the target.
    ['cannot receive new filesystem stream: destination p/f contains partially-complete state from "zfs receive -s".\n', ['receive', '-u', 'p/f@s'], 'partial-receive-state', 'permanent'],
    // cmd/zfs/zfs_main.c zfs_bookmark_perror.
    ["cannot create bookmark 'p/f#xrepl_CURSOR_G_1_J_a': bookmark exists\n", ['bookmark', 'p/f@s', 'p/f#b'], 'bookmark-exists', 'permanent'],
    // zfs_standard_error: ENOSPC and EDQUOT are EZFS_NOSPC.
    ["cannot create snapshot 'p/f@s': out of space\n", ['snapshot', 'p/f@s'], 'out-of-space', 'permanent'],
    ['cannot receive incremental stream: out of space\n', ['receive', '-u', 'p/f@s'], 'out-of-space', 'permanent'],
    ['cannot receive new filesystem stream: destination p/f space quota exceeded.\n', ['receive', '-u', 'p/f@s'], 'quota-exceeded', 'permanent'],
    ["cannot create snapshot 'p/f@s': permission denied\n", ['snapshot', 'p/f@s'], 'permission-denied', 'permanent'],
    ['Permission denied the ZFS utilities must be run as root.\n', ['get', 'guid'], 'permission-denied', 'permanent'],
    // Encryption (libzfs_sendrecv.c).
    ["cannot send p/enc@s: source key must be loaded\n", ['send', 'p/enc@s'], 'key-not-loaded', 'permanent'],
    ['cannot receive incremental stream: dataset key must be loaded\n', ['receive', '-u', 'p/enc@s'], 'key-not-loaded', 'permanent'],
    // EAGAIN.
    ["cannot open 'p/f': pool I/O is currently suspended\n", ['get', 'guid', 'p/f'], 'pool-suspended', 'permanent'],
    // EBUSY, and umount's words when destroy unmounts.
    ["cannot destroy 'p/f@s': dataset is busy\n", ['destroy', 'p/f@s'], 'dataset-busy', 'transient'],
    // OpenZFS 2.3.2, recorded in the test VM: a held snapshot is named as such, not merely busy.
    ["cannot destroy snapshot m/h@s1: it's being held. Run 'zfs holds -r m/h@s1' to see holders.\n", ['destroy', 'm/h@s1'], 'snapshot-held', 'permanent'],
    ["cannot destroy 'p/f@s': pool or dataset is busy\n", ['destroy', 'p/f@s'], 'dataset-busy', 'transient'],
    ['umount: /p/f: target is busy.\ncannot unmount \'/p/f\': umount failed\n', ['destroy', 'p/f'], 'dataset-busy', 'transient'],
    // recv_read, EZFS_BADSTREAM.
    ['cannot receive: failed to read from stream\n', ['receive', '-u', 'p/f@s'], 'stream-read-failed', 'transient'],
    ['cannot receive incremental stream: invalid backup stream\n', ['receive', '-u', 'p/f@s'], 'stream-invalid', 'transient'],
    // zfs_destroy_snaps_nvl EEXIST, and zfs destroy's own check.
    ['cannot destroy snapshot p/f@s: snapshot is cloned\n', ['destroy', 'p/f@s'], 'snapshot-cloned', 'permanent'],
    ["cannot destroy 'p/f@s': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\np/clone\n", ['destroy', 'p/f@s'], 'snapshot-cloned', 'permanent'],
    // libzfs_error_init.
    ["The ZFS modules are not loaded.\nTry running 'modprobe zfs' as root to load them.\n", ['get', 'guid'], 'zfs-unavailable', 'permanent'],
    ["The ZFS modules cannot be auto-loaded.\nTry running 'modprobe zfs' as root to manually load them.\n", ['get', 'guid'], 'zfs-unavailable', 'permanent'],
    // zfs-fuse 0.7 without its daemon.
    ['connect: No such file or directory\nPlease make sure that the zfs-fuse daemon is running.\ninternal error: failed to initialize ZFS library\n', ['get', 'guid'], 'zfs-unavailable', 'permanent'],
  ] as const)('%j is %s (%s) with a hint', (stderr, zfsArgs, kind, errorClass) => {
    const e = classifyFailure({ ...base, command: ['zfs', ...zfsArgs], zfsArgs, stderr });
    expect(e.kind).toBe(kind);
    expect(e.errorClass).toBe(errorClass);
    expect(e.stderr).toBe(stderr);
    if (errorClass === 'permanent') {
      expect(e.hint).toBeDefined();
      expect(e.message).toContain(e.hint);
    }
  });

  it('a missing zfs over ssh (exit 127 from env) is zfs-not-found and names connect.zfs_path', () => {
    const e = classifyFailure({ ...base, exitCode: 127, remote: true, command: ['ssh', 'h', "env LC_ALL=C 'zfs' 'get'"], stderr: "env: 'zfs': No such file or directory\n" });
    expect(e.kind).toBe('zfs-not-found');
    expect(e.errorClass).toBe('permanent');
    expect(e.message).toContain('zfs_path');
  });

  it('names the delegated permissions each refused command lacks, canmount included', () => {
    expect(permissionsFor(['receive', '-u', '-s', '-o', 'canmount=noauto', 'b/p/f@s'])).toEqual(['receive', 'create', 'mount', 'canmount']);
    expect(permissionsFor(['create', '-o', 'canmount=off', '-o', 'xrepl:placeholder=on', 'b/p'])).toEqual(['create', 'mount', 'canmount', 'userprop']);
    expect(permissionsFor(['set', 'canmount=on', 'b/p'])).toEqual(['canmount']);
    expect(permissionsFor(['set', 'xrepl:cursor.job=1', 'p/f@s'])).toEqual(['userprop']);
    expect(permissionsFor(['bookmark', 'p/f@s', 'p/f#b'])).toEqual(['bookmark']);
    expect(permissionsFor(['destroy', 'p/f@s'])).toEqual(['destroy', 'mount']);
    expect(permissionsFor(['receive', '-A', 'b/p/f'])).toEqual(['receive']);
    const e = classifyFailure({ ...base, command: ['zfs', 'set', 'canmount=on', 'b/p'], zfsArgs: ['set', 'canmount=on', 'b/p'], stderr: "cannot set property for 'b/p': permission denied\n" });
    expect(e.message).toContain('zfs allow <user> canmount b/p');
  });
});

describe('texts captured on OpenZFS 2.1.11 (Debian bookworm, the VM of .ci/openzfs-vm)', () => {
  it('a stale token over ssh exits 255 like ssh does, and is still zfs\'s resume-token-stale', () => {
    // `zfs send -t TOKEN` after p1/src@s2 was destroyed and re-created, then destroyed: exit 255.
    for (const stderr of [
      "cannot resume send: 'p1/src@s2' is no longer the same snapshot used in the initial send\n",
      "cannot resume send: 'p1/src@s2' used in the initial send no longer exists\n",
      'cannot resume send: resume token is corrupt (incorrect checksum)\n',
    ]) {
      const e = classifyFailure({ ...base, exitCode: 255, remote: true, command: ['ssh', 'h', "env LC_ALL=C 'zfs' 'send' '-t' 'tok'"], zfsArgs: ['send', '-t', 'tok'], stderr });
      expect(e.kind).toBe('resume-token-stale');
      expect(e.errorClass).toBe('permanent');
    }
  });

  it.each([
    ["cannot create bookmark 'p1/src#b1': bookmark exists\n", 'bookmark-exists'],
    ["cannot destroy 'p1/src@s1': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\np1/clone\n", 'snapshot-cloned'],
    ['cannot receive new filesystem stream: destination p1/q/x space quota exceeded.\n', 'quota-exceeded'],
    ["'p1/dst/b' does not have any resumable receive state to abort\n", 'unknown'],
    ['cannot receive incremental stream: checksum mismatch or incomplete stream.\nPartially received snapshot is saved.\n', 'stream-broken'],
  ] as const)('%j is %s', (stderr, kind) => {
    expect(classifyFailure({ ...base, command: ['zfs'], stderr }).kind).toBe(kind);
  });

  it.each([
    ["cannot create bookmark 'p1/src#x': permission denied\n", ['bookmark', 'p1/src@s3', 'p1/src#x'], 'bookmark'],
    ["cannot set property for 'p1/src@s3': permission denied\n", ['set', 'xrepl:c=1', 'p1/src@s3'], 'userprop'],
    ['cannot destroy snapshots: permission denied\n', ['destroy', 'p1/src@s3'], 'destroy,mount'],
    ["cannot create 'p1/dst/e': permission denied\n", ['create', '-o', 'canmount=off', 'p1/dst/e'], 'create,mount,canmount'],
  ] as const)('a delegated user refused %j is told to allow %s', (stderr, zfsArgs, permissions) => {
    const e = classifyFailure({ ...base, command: ['zfs', ...zfsArgs], zfsArgs, stderr });
    expect(e.kind).toBe('permission-denied');
    expect(e.message).toContain(`zfs allow <user> ${permissions} `);
  });

  it.each([
    // `zfs receive -s` onto a pool made with `zpool create -d`, and a bookmark there.
    ['cannot receive new filesystem stream: pool must be upgraded to receive this stream.\n'],
    ["cannot create bookmark 'p2/fs#a': bookmark feature not enabled\n"],
  ])('a pool without the feature: %j is unsupported', (stderr) => {
    expect(classifyFailure({ ...base, command: ['zfs'], stderr }).kind).toBe('unsupported');
  });

  it("a missing program under env (the remote command's prefix) exits 127: zfs-not-found", () => {
    const e = classifyFailure({ ...base, exitCode: 127, remote: true, command: ['ssh'], stderr: "env: 'nosuchzfs': No such file or directory\n" });
    expect(e.kind).toBe('zfs-not-found');
  });
});
