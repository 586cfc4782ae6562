/**
 * File-backed zfs-fuse pools for tests and benchmarks, named `<prefix><random>_<suffix>` so that no
 * other pool is ever touched; `destroy()` (call it in `finally`) retries while zfs-fuse still calls
 * a pool busy. Free of vitest, so benchmarks use it too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

/** Pools made for one test file or benchmark, plus the scratch folder holding their images. */
export interface FileBackedPools {
  /** The random part shared by every pool name of this run, for `pgrep -f`. */
  tag: string;
  /** Scratch folder (pool images live here). */
  dir: string;
  /** Pool name per suffix. */
  pool(suffix: string): string;
  destroy(): Promise<void>;
}

/** Creates one sparse file-backed pool per suffix; a failure destroys the ones already made. */
export async function createFileBackedPools(prefix: string, suffixes: readonly string[], imageBytes: number): Promise<FileBackedPools> {
  const tag = `${prefix}${randomBytes(4).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), `${tag}-`));
  const made: string[] = [];
  const pools: FileBackedPools = {
    tag,
    dir,
    pool(suffix: string): string {
      const name = `${tag}_${suffix}`;
      if (!made.includes(name)) throw new Error(`no pool with suffix ${suffix} in ${tag}`);
      return name;
    },
    async destroy(): Promise<void> {
      for (const name of made) {
        // A pool whose datasets are still being unmounted is busy for a moment.
        for (let i = 0; i < 20; i++) {
          const r = await execa('zpool', ['destroy', '-f', name], { reject: false });
          if (r.exitCode === 0 || /no such pool/.test(r.stderr)) break;
          await sleep(500);
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const suffix of suffixes) {
      const image = join(dir, `${suffix}.img`);
      await execa('truncate', ['-s', String(imageBytes), image]);
      const name = `${tag}_${suffix}`;
      const r = await execa('zpool', ['create', name, image], { reject: false });
      if (r.exitCode !== 0) throw new Error(`zpool create ${name} failed: ${r.stderr}`);
      made.push(name);
    }
  } catch (error) {
    await pools.destroy();
    throw error;
  }
  return pools;
}
