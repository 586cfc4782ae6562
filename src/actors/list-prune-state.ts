import { fromPromise } from 'xstate';
import type { PruneListing } from '../pruner/plan-prune-side.js';
import { listPruneState, type ListPruneStateInput } from '../pruner/list-prune-state.js';
import type { EndpointPair } from './endpoint-pair.js';

/** `listPruneState`: a side's filesystems with versions, its other jobs' cursors, the other side's versions, and on the sender the job's cursors. */
export function listPruneStateActor(endpoints: EndpointPair) {
  return fromPromise<PruneListing, ListPruneStateInput>(({ input, signal }) => listPruneState(endpoints, input, signal));
}
