/**
 * Real zfs-fuse pools for integration tests: file-backed pools with names unique to the run
 * (`xrepl_t<random>_<suffix>`), made in a temporary folder and destroyed afterwards. Only pools
 * made here are ever destroyed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { createFileBackedPools, type FileBackedPools } from './file-backed-pools.js';
import { describe, it } from 'vitest';

/** Set to 1 (by `.ci/run`) to make a missing zfs a failure instead of a skip. */
export const REQUIRE_ZFS = process.env.XREPL_REQUIRE_ZFS === '1';

/** Why real zfs cannot be used here, or undefined when `zpool list` answers. */
export function zfsUnavailableReason(): string | undefined {
  const r = spawnSync('zpool', ['list', '-H'], { timeout: 15_000, encoding: 'utf8' });
  if (r.error) return `zpool cannot run (${r.error.message}); install zfs-fuse and start it with .ci/zfs-up.sh`;
  if (r.status !== 0) return `zpool list failed (${r.stderr.trim() || `exit ${r.status}`}); is the zfs-fuse daemon running? (.ci/zfs-up.sh)`;
  return undefined;
}

/**
 * A describe block that needs real zfs: skipped with the reason in its name (and a warning) when
 * zfs is missing, failing instead when XREPL_REQUIRE_ZFS=1.
 */
export function describeWithZfs(name: string, body: () => void): void {
  const reason = zfsUnavailableReason();
  if (reason === undefined) {
    describe(name, body);
  } else if (REQUIRE_ZFS) {
    describe(name, () => {
      it('needs real zfs (XREPL_REQUIRE_ZFS=1)', () => {
        throw new Error(`XREPL_REQUIRE_ZFS=1 but real zfs is unavailable: ${reason}`);
      });
    });
  } else {
    console.warn(`[xrepl] skipping "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

/** Runs zfs or zpool directly (test setup only) and returns stdout; throws with stderr on failure. */
export async function sh(program: 'zfs' | 'zpool', ...args: string[]): Promise<string> {
  const r = await execa(program, args, { reject: false });
  if (r.exitCode !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Pools made for one test file. */
export type TestPools = FileBackedPools;

/** Size of each pool image; zfs-fuse needs at least 64 MiB. */
const POOL_IMAGE_BYTES = 96 * 1024 * 1024;

/** Creates one file-backed pool per suffix, named `xrepl_t<random>_<suffix>`. */
export function createTestPools(suffixes: readonly string[]): Promise<TestPools> {
  return createFileBackedPools('xrepl_t', suffixes, POOL_IMAGE_BYTES);
}

/** The mountpoint of a filesystem, mounting it first when it is not mounted. */
export async function mounted(fs: string): Promise<string> {
  const [mountpoint, isMounted] = (await sh('zfs', 'get', '-H', '-o', 'value', 'mountpoint,mounted', fs)).split('\n');
  if (isMounted !== 'yes') await sh('zfs', 'mount', fs);
  if (mountpoint === undefined || !mountpoint.startsWith('/')) throw new Error(`${fs} has no mountpoint (${String(mountpoint)})`);
  return mountpoint;
}

/** The regular files directly in a directory, name → bytes. */
export async function readFiles(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) out.set(entry.name, await readFile(join(dir, entry.name)));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The files of a snapshot (zfs-fuse has no `.zfs/snapshot` directory): cloned into a temporary
 * filesystem of the same pool, read, and the clone destroyed again.
 */
export async function readSnapshotFiles(fs: string, snapshot: string): Promise<Map<string, Buffer>> {
  const pool = fs.split('/')[0] ?? fs;
  const clone = `${pool}/xrepl_read_${randomBytes(4).toString('hex')}`;
  await sh('zfs', 'clone', `${fs}@${snapshot}`, clone);
  try {
    return await readFiles(await mounted(clone));
  } finally {
    for (let i = 0; i < 20; i++) {
      const r = await execa('zfs', ['destroy', clone], { reject: false });
      if (r.exitCode === 0) break;
      await sleep(250);
    }
  }
}

/** Pids of processes whose command line mentions the tag (zfs send/recv, ssh, remote shells). */
export async function processesMentioning(tag: string): Promise<string[]> {
  const r = await execa('pgrep', ['-f', '-a', tag], { reject: false });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .filter((l) => !/\bpgrep\b/.test(l) && !/vitest|node /.test(l));
}

/** Waits until no process mentions the tag (processes killed a moment ago may still be exiting). */
export async function noProcessesLeft(tag: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = await processesMentioning(tag);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = await processesMentioning(tag);
  }
  return left;
}
