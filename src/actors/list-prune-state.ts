import { fromPromise } from 'xstate';
import type { PruneListing, PruneSide } from '../pruner/plan-prune-side.js';
import type { EndpointPair } from './endpoint-pair.js';
import { listSide } from './list-side.js';

/** `listPruneState`: a side's filesystems with versions, and on the sender the job's cursors. */
export function listPruneStateActor(endpoints: EndpointPair) {
  return fromPromise<PruneListing, { side: PruneSide; jobId: string }>(async ({ input, signal }) => {
    const listing = await listSide(endpoints[input.side], input, signal);
    return {
      filesystems: listing.filesystems.map((f) => ({ path: f.path, placeholder: f.placeholder, versions: listing.versions.get(f.path) ?? [] })),
      cursors: input.side === 'sender' ? listing.cursors : undefined,
    };
  });
}
