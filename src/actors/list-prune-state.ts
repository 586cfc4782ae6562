import { fromPromise } from 'xstate';
import type { PruneListing, PruneSide } from '../pruner/plan-prune-side.js';
import type { EndpointPair } from './endpoint-pair.js';

/** `listPruneState`: a side's filesystems with versions, and on the sender the job's cursors. */
export function listPruneStateActor(endpoints: EndpointPair) {
  return fromPromise<PruneListing, { side: PruneSide; jobId: string }>(async ({ input, signal }) => {
    const endpoint = endpoints[input.side];
    const infos = await endpoint.listFilesystems(signal);
    const paths = infos.filter((f) => !f.placeholder).map((f) => f.path);
    const versions = paths.length > 0 ? await endpoint.listVersions(paths, signal) : new Map();
    const cursors = input.side === 'sender' ? await endpoint.listReplicationCursors(input.jobId, signal) : undefined;
    return {
      filesystems: infos.map((f) => ({ path: f.path, placeholder: f.placeholder, versions: versions.get(f.path) ?? [] })),
      cursors,
    };
  });
}
