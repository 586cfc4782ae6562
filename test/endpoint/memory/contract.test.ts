import { describe } from 'vitest';
import { createMemoryPool, ZFS_FUSE_CAPABILITIES, type MemoryPoolOptions } from '../../../src/endpoint/memory/memory-pool.js';
import { isSameOrBelow } from '../../../src/domain/dataset-name.js';
import { endpointContract, type EndpointFixture } from '../contract.js';
import { PLACEHOLDER_PROPERTY } from '../../../src/endpoint/cursor.js';

// Two pools, as on real machines: the sender serves the subtree of `tank/t`, the receiver is rooted at `backup/r`.
function memoryFixture(options: MemoryPoolOptions): () => Promise<EndpointFixture> {
  return async () => {
    const src = createMemoryPool({ ...options, name: 'src', seed: 1 });
    const dst = createMemoryPool({ ...options, name: 'dst', seed: 2 });
    const base = 'tank/t';
    src.createFilesystem(base);
    dst.createFilesystem('backup/r');
    return {
      sender: src.sender({ filter: { matches: (p) => isSameOrBelow(p, base) } }),
      receiver: dst.receiver({ rootFs: 'backup/r' }),
      base,
      receiverRoot: 'backup/r',
      createFilesystem: async (path) => src.createFilesystem(path),
      write: async (path, file, bytes) => src.write(path, file, bytes),
      remove: async (path, file) => src.removeFile(path, file),
      snapshot: async (path, name) => void src.snapshot(path, name),
      readContent: async (side, path, snapshot) => {
        const [pool, fs] = side === 'sender' ? [src, path] : [dst, `backup/r/${path}`];
        return snapshot === undefined ? pool.content(fs) : pool.snapshotContent(fs, snapshot);
      },
      receiverPoolFilesystems: async () => dst.filesystems(),
      createOnReceiverPool: async (localPath, kind) => {
        dst.createFilesystem(localPath, kind.placeholder ? { properties: { [PLACEHOLDER_PROPERTY]: 'on' } } : {});
        if (!kind.placeholder) dst.write(localPath, kind.file, kind.bytes);
      },
      receiverRootedAt: (localRoot, rooted) => dst.receiver({ rootFs: localRoot, ...rooted }),
      cleanup: async () => undefined,
    };
  };
}

describe('memory pool', () => {
  endpointContract('memory pool, all capabilities', memoryFixture({}));
  endpointContract('memory pool, zfs-fuse capabilities', memoryFixture({ capabilities: ZFS_FUSE_CAPABILITIES }));
});
