import { fromPromise } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { SetCursorInput } from '../../machines/filesystem.js';

/** `setCursor`: moves the sender's replication cursor of a filesystem, naming the one it replaces. */
export function setCursorActor(sender: Endpoint) {
  return fromPromise<void, SetCursorInput>(({ input, signal }) =>
    sender.setReplicationCursor(input.path, input.version, input.jobId, signal, input.previous),
  );
}
