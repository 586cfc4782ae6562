import { fromPromise } from 'xstate';
import { EndpointError } from '../domain/errors.js';
import type { Endpoint, EndpointListing } from '../endpoint/endpoint.js';
import type { EndpointPair } from './endpoint-pair.js';

/** Input of `listSide`: which side, and whose cursors. */
export interface ListSideInput {
  side: 'sender' | 'receiver';
  jobId: string;
}

/**
 * One side's filesystems, their versions and the job's cursors: one batched `listAll` where the
 * endpoint has it, else `listFilesystems`, `listVersions` of the non-placeholders and (on the
 * sender) `listReplicationCursors`.
 */
export async function listSide(endpoint: Endpoint, input: ListSideInput, signal: AbortSignal): Promise<EndpointListing> {
  const listing = await listEither(endpoint, input, signal);
  // A sender that serves nothing replicates nothing, and a run that replicated nothing is no
  // success: a filter that matches no filesystem (a typo, a pool not imported) must fail the job,
  // not end it with "all jobs completed".
  if (input.side === 'sender' && listing.filesystems.length === 0) {
    throw new EndpointError(`the sender ${endpoint.name} serves no filesystem for this job: check the job's filesystems filter, and that its pools are imported`, {
      kind: 'dataset-not-found',
      hint: 'a filter that matches nothing is a configuration mistake',
    });
  }
  return listing;
}

async function listEither(endpoint: Endpoint, input: ListSideInput, signal: AbortSignal): Promise<EndpointListing> {
  if (endpoint.listAll) {
    const listing = await endpoint.listAll(input.jobId, signal);
    return input.side === 'sender' ? listing : { ...listing, cursors: new Map() };
  }
  const filesystems = await endpoint.listFilesystems(signal);
  const paths = filesystems.filter((f) => !f.placeholder).map((f) => f.path);
  // Nothing to list is no reason for a call (a receiver that has nothing yet).
  const versions = paths.length > 0 ? await endpoint.listVersions(paths, signal) : new Map();
  const cursors = input.side === 'sender' ? await endpoint.listReplicationCursors(input.jobId, signal) : new Map();
  return { filesystems, versions, cursors };
}

/** `listSide` as an actor over a job's endpoints. */
export function listSideActor(endpoints: EndpointPair) {
  return fromPromise<EndpointListing, ListSideInput>(({ input, signal }) => listSide(endpoints[input.side], input, signal));
}
