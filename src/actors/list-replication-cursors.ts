import { fromPromise } from 'xstate';
import type { FilesystemVersion } from '../domain/version.js';
import type { Endpoint } from '../endpoint/endpoint.js';

/** `listReplicationCursors`: the sender's cursors of a job. */
export function listReplicationCursorsActor(sender: Endpoint) {
  return fromPromise<Map<string, FilesystemVersion>, { jobId: string }>(({ input, signal }) =>
    sender.listReplicationCursors(input.jobId, signal),
  );
}
