import { fromPromise } from 'xstate';
import type { ListedVersion } from '../domain/version.js';
import type { EndpointPair } from './endpoint-pair.js';

/** `listVersions`: one side's versions of the given filesystems, in one batched endpoint call. */
export function listVersionsActor(endpoints: EndpointPair) {
  return fromPromise<Map<string, ListedVersion[]>, { side: 'sender' | 'receiver'; filesystems: readonly string[] }>(
    async ({ input, signal }) => {
      // Nothing to list is no reason for a call (a receiver that has nothing yet).
      if (input.filesystems.length === 0) return new Map();
      return endpoints[input.side].listVersions(input.filesystems, signal);
    },
  );
}
