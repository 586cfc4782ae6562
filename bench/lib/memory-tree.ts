/** Memory pools for the engine benchmarks: many filesystems with many snapshots each, and the check. */
import { createMemoryPool, ZFS_FUSE_CAPABILITIES, type MemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';

/** A sender pool with `filesystems` × `snapshots`, an empty receiver, and the job's views of both. */
export interface MemoryTree {
  source: MemoryPool;
  target: MemoryPool;
  paths: string[];
  sender: Endpoint;
  receiver: Endpoint;
  /** The receiver's root filesystem. */
  rootFs: string;
  /** Takes one new snapshot of every filesystem at once. */
  snapshotAll(name: string): Promise<void>;
}

/** Which endpoint features the memory pools offer. */
export type MemoryFeatures = 'openzfs' | 'zfs-fuse';

/** Builds the pools; snapshots are taken over all filesystems at once (one call each, like `zfs snapshot -r`). */
export async function createMemoryTree(filesystems: number, snapshots: number, features: MemoryFeatures = 'openzfs'): Promise<MemoryTree> {
  const capabilities = features === 'zfs-fuse' ? { ...ZFS_FUSE_CAPABILITIES } : {};
  const source = createMemoryPool({ name: 'source', seed: 1, capabilities });
  const target = createMemoryPool({ name: 'target', seed: 2, capabilities });
  const rootFs = 'backup';
  target.createFilesystem(rootFs);
  const width = String(filesystems).length;
  const paths: string[] = [];
  for (let i = 0; i < filesystems; i++) {
    const path = `tank/fs${String(i).padStart(width, '0')}`;
    source.createFilesystem(path);
    source.write(path, 'data', `filesystem ${i}`);
    paths.push(path);
  }
  const live = new AbortController().signal;
  const snapshotAll = (name: string): Promise<void> => source.createSnapshots(paths, name, live);
  for (let s = 1; s <= snapshots; s++) await snapshotAll(`s${s}`);
  return {
    source,
    target,
    paths,
    sender: source.sender({ filter: { matches: (p) => p.startsWith('tank/') } }),
    receiver: target.receiver({ rootFs }),
    rootFs,
    snapshotAll,
  };
}

/**
 * Checks that the receiver has what the sender has: for every filesystem, the newest snapshot's
 * guid is the same on both sides. Throws naming the first filesystem that differs.
 */
export function assertReplicated(tree: MemoryTree): void {
  for (const path of tree.paths) {
    const sent = tree.source.versions(path).filter((v) => v.type === 'snapshot').at(-1);
    const targetPath = `${tree.rootFs}/${path}`;
    const received = tree.target.hasFilesystem(targetPath) ? tree.target.versions(targetPath).filter((v) => v.type === 'snapshot').at(-1) : undefined;
    if (sent === undefined || received?.guid !== sent.guid) {
      throw new Error(`not replicated: ${path} has @${sent?.name ?? '-'} (guid ${sent?.guid ?? '-'}), the receiver @${received?.name ?? '-'} (guid ${received?.guid ?? '-'})`);
    }
  }
}
