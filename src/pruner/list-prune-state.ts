import type { EndpointPair } from '../actors/endpoint-pair.js';
import { listSide } from '../actors/list-side.js';
import type { FilesystemVersion } from '../domain/version.js';
import type { EndpointListing, ForeignCursor } from '../endpoint/endpoint.js';
import type { PruneListing, PruneSide } from './plan-prune-side.js';

/** What a pruner asks for: its side, its job, and (sender) what this invocation received. */
export interface ListPruneStateInput {
  side: PruneSide;
  jobId: string;
  /** Sender only: per filesystem, the newest snapshot this invocation's replication received. */
  received?: ReadonlyMap<string, FilesystemVersion> | undefined;
}

const OTHER_SIDE: Record<PruneSide, PruneSide> = { sender: 'receiver', receiver: 'sender' };

/**
 * Lists what one side's pruner plans from: its side (filesystems, versions, on the sender the
 * job's cursors), other jobs' cursors there, and the other side's versions, both sides at once.
 * The other side is listed only to find the newest snapshot both share; when it does not answer,
 * the plan goes on without it (the sender then trusts its cursor). Other jobs' cursors are not
 * optional: without them a prune could destroy another job's base, so their failure fails the
 * listing.
 */
export async function listPruneState(endpoints: EndpointPair, input: ListPruneStateInput, signal: AbortSignal): Promise<PruneListing> {
  const endpoint = endpoints[input.side];
  const peerSide = OTHER_SIDE[input.side];
  const peer = listSide(endpoints[peerSide], { side: peerSide, jobId: input.jobId }, signal).then(
    (listing): EndpointListing | undefined => listing,
    (error: unknown) => {
      if (signal.aborted) throw error;
      return undefined;
    },
  );
  // Handled here too, so that it cannot go unhandled when this side's listing fails first.
  peer.catch(() => undefined);
  const listing = await listSide(endpoint, { side: input.side, jobId: input.jobId }, signal);
  const foreign: Map<string, ForeignCursor[]> = listing.foreignCursors ?? (await endpoint.listForeignCursors?.(input.jobId, signal)) ?? new Map();
  const peerListing = await peer;
  return {
    filesystems: listing.filesystems.map((f) => ({ path: f.path, placeholder: f.placeholder, versions: listing.versions.get(f.path) ?? [] })),
    cursors: input.side === 'sender' ? listing.cursors : undefined,
    peerVersions: peerListing?.versions,
    foreignCursors: foreign,
    received: input.side === 'sender' ? input.received : undefined,
  };
}
