import { fromPromise } from 'xstate';
import type { FilesystemInfo } from '../endpoint/endpoint.js';
import type { EndpointPair } from './endpoint-pair.js';

/** `listFilesystems`: one side's filesystems. */
export function listFilesystemsActor(endpoints: EndpointPair) {
  return fromPromise<FilesystemInfo[], { side: 'sender' | 'receiver' }>(({ input, signal }) =>
    endpoints[input.side].listFilesystems(signal),
  );
}
