/**
 * Real zfs-fuse pools for the benchmarks: file-backed, named `xrepl_b<random>_<suffix>` so that
 * nothing else's pools are ever touched, destroyed by `destroy()` (call it in `finally`). Also the
 * logging `zfs` wrapper that counts processes, and the replication check.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { createFileBackedPools, type FileBackedPools } from '../../test/integration/helpers/file-backed-pools.js';

/** The real zfs program the wrapper execs. */
export const REAL_ZFS = '/usr/sbin/zfs';

/** Runs zfs or zpool (setup and checks only) and returns stdout; throws with stderr on failure. */
export async function sh(program: string, ...args: string[]): Promise<string> {
  const r = await execa(program, args, { reject: false });
  if (r.exitCode !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Runs a shell command line (the hand-written peers) and throws with its stderr on failure. */
export async function shell(command: string, env: Record<string, string> = {}): Promise<void> {
  const r = await execa('sh', ['-c', command], { reject: false, env });
  if (r.exitCode !== 0) throw new Error(`sh -c ${JSON.stringify(command)} failed (exit ${r.exitCode}): ${r.stderr}`);
}

/** Pools made for one benchmark, plus a scratch folder. */
export type BenchPools = FileBackedPools;

/** Creates one sparse file-backed pool per suffix, named `xrepl_b<random>_<suffix>`. */
export function createBenchPools(suffixes: readonly string[], imageBytes: number): Promise<BenchPools> {
  return createFileBackedPools('xrepl_b', suffixes, imageBytes);
}

/** Destroys a dataset tree, retrying while zfs-fuse still calls it busy. */
export async function destroyTree(dataset: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const r = await execa(REAL_ZFS, ['destroy', '-r', dataset], { reject: false });
    if (r.exitCode === 0 || /does not exist/.test(r.stderr)) return;
    await sleep(250);
  }
  throw new Error(`cannot destroy ${dataset}: still busy`);
}

/** The mountpoint of a filesystem, mounting it first when needed. */
export async function mounted(fs: string): Promise<string> {
  const [mountpoint, isMounted] = (await sh(REAL_ZFS, 'get', '-H', '-o', 'value', 'mountpoint,mounted', fs)).split('\n');
  if (isMounted !== 'yes') await sh(REAL_ZFS, 'mount', fs);
  if (mountpoint === undefined || !mountpoint.startsWith('/')) throw new Error(`${fs} has no mountpoint`);
  return mountpoint;
}

/** Writes `bytes` of random data into a new file of a filesystem. */
export async function writeRandom(fs: string, file: string, bytes: number): Promise<void> {
  const dir = await mounted(fs);
  const chunk = 16 * 2 ** 20;
  const parts: Buffer[] = [];
  for (let left = bytes; left > 0; left -= chunk) parts.push(randomBytes(Math.min(chunk, left)));
  await writeFile(join(dir, file), Buffer.concat(parts));
}

/**
 * Each filesystem's newest snapshot guid under a root, keyed by the path below the root
 * (`root/a/b@s` → `a/b`; the root itself is `.`), from one `zfs get`.
 */
export async function newestGuids(root: string): Promise<Map<string, string>> {
  const out = await sh(REAL_ZFS, 'get', '-Hp', '-r', '-o', 'name,property,value', 'guid,createtxg', root);
  const snaps = new Map<string, { txg: number; guid: string }>();
  const rows = new Map<string, { guid?: string; txg?: number }>();
  for (const line of out.split('\n')) {
    const [name, property, value] = line.split('\t');
    if (name === undefined || !name.includes('@') || value === undefined) continue;
    const row = rows.get(name) ?? {};
    if (property === 'guid') row.guid = value;
    if (property === 'createtxg') row.txg = Number(value);
    rows.set(name, row);
  }
  for (const [name, row] of rows) {
    const fs = name.slice(0, name.indexOf('@'));
    const rel = fs === root ? '.' : fs.slice(root.length + 1);
    const best = snaps.get(rel);
    if (row.guid !== undefined && row.txg !== undefined && (best === undefined || row.txg > best.txg)) snaps.set(rel, { txg: row.txg, guid: row.guid });
  }
  return new Map([...snaps].map(([k, v]) => [k, v.guid]));
}

/** Throws unless every filesystem with snapshots under `sourceRoot` has the same newest guid under `targetRoot`. */
export async function assertSameNewest(sourceRoot: string, targetRoot: string): Promise<void> {
  const sent = await newestGuids(sourceRoot);
  const received = await newestGuids(targetRoot);
  for (const [rel, guid] of sent) {
    if (received.get(rel) !== guid) {
      throw new Error(`not replicated: ${sourceRoot}/${rel} newest guid ${guid}, ${targetRoot}/${rel} has ${received.get(rel) ?? 'nothing'}`);
    }
  }
}

/** A folder with a `zfs` script that logs each call and execs the real zfs; put `bin` first on PATH. */
export interface ZfsCallLog {
  bin: string;
  /** PATH with the wrapper first. */
  path: string;
  /** Forgets the calls logged so far. */
  reset(): Promise<void>;
  /** The calls logged since the last reset, one argument line each. */
  calls(): Promise<string[]>;
}

/** Writes the logging wrapper into `dir`. */
export async function createZfsCallLog(dir: string): Promise<ZfsCallLog> {
  const bin = join(dir, 'bin');
  const log = join(dir, 'zfs-calls.log');
  await execa('mkdir', ['-p', bin]);
  await writeFile(join(bin, 'zfs'), `#!/bin/sh\necho "$*" >> '${log}'\nexec ${REAL_ZFS} "$@"\n`);
  await chmod(join(bin, 'zfs'), 0o755);
  await writeFile(log, '');
  return {
    bin,
    path: `${bin}:${process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin'}`,
    reset: () => writeFile(log, ''),
    calls: async () => (await readFile(log, 'utf8')).split('\n').filter((l) => l.length > 0),
  };
}
