import { describe } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { PLACEHOLDER_PROPERTY } from '../../src/endpoint/cursor.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createMemoryPool, ZFS_FUSE_CAPABILITIES, type MemoryPoolOptions } from '../../src/endpoint/memory/memory-pool.js';
import { METHODS, type ServiceRole } from '../../src/serve/protocol-messages.js';
import { endpointContract, type EndpointFixture } from '../endpoint/contract.js';
import { inProcessRemote } from './helpers/in-process.js';

// The memory fixture of test/endpoint/memory, with both sides behind the protocol: every call the
// contract makes crosses a real framed connection and is parsed on both ends.
function overProtocol(role: ServiceRole, endpoint: Endpoint): Endpoint {
  return inProcessRemote(role, { resolve: () => ({ endpoint, methods: METHODS, job: 'contract', client: 'test' }) }).remote;
}

function protocolFixture(options: MemoryPoolOptions): () => Promise<EndpointFixture> {
  return async () => {
    const src = createMemoryPool({ ...options, name: 'src', seed: 1 });
    const dst = createMemoryPool({ ...options, name: 'dst', seed: 2 });
    const base = 'tank/t';
    src.createFilesystem(base);
    dst.createFilesystem('backup/r');
    const remotes: Endpoint[] = [];
    const remote = (role: ServiceRole, endpoint: Endpoint): Endpoint => {
      const r = overProtocol(role, endpoint);
      remotes.push(r);
      return r;
    };
    return {
      sender: remote('source', src.sender({ filter: { matches: (p) => isSameOrBelow(p, base) } })),
      receiver: remote('sink', dst.receiver({ rootFs: 'backup/r' })),
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
      receiverRootedAt: (localRoot, rooted) => remote('sink', dst.receiver({ rootFs: localRoot, ...rooted })),
      cleanup: async () => {
        for (const r of remotes) (r as Endpoint & { close(): void }).close();
      },
    };
  };
}

describe('the protocol', () => {
  endpointContract('memory pools over the protocol, all capabilities', protocolFixture({}));
  endpointContract('memory pools over the protocol, zfs-fuse capabilities', protocolFixture({ capabilities: ZFS_FUSE_CAPABILITIES }));
});
