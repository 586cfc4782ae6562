import type { Endpoint } from '../../src/endpoint/endpoint.js';

/** A sender with only what the snapshotter calls (one filesystem, tank/a); everything else fails loudly. */
export function snapshotSender(created: { filesystems: readonly string[]; snapshot: string }[]): Endpoint {
  const unused = async (): Promise<never> => {
    throw new Error('not used by the snapshotter');
  };
  return {
    name: 'stub:sender',
    capabilities: unused,
    listFilesystems: async () => [{ path: 'tank/a', placeholder: false }],
    listVersions: async () => new Map([['tank/a', []]]),
    estimateSendSize: unused,
    send: unused,
    receive: unused,
    listReplicationCursors: unused,
    setReplicationCursor: unused,
    hold: unused,
    release: unused,
    destroySnapshots: unused,
    createSnapshots: async (filesystems, snapshot) => {
      created.push({ filesystems, snapshot });
    },
  };
}
