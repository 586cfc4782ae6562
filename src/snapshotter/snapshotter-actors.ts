import { fromPromise } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { CreateSnapshotsInput, FindSyncPointInput } from '../../machines/snapshotter.js';
import { findSyncPoint } from './sync-point.js';

/** The snapshotter machine's actors, bound to the sender endpoint that gets the snapshots. */
export function snapshotterActors(sender: Endpoint, now: () => number) {
  return {
    findSyncPoint: fromPromise<number, FindSyncPointInput>(async ({ input, signal }) => {
      const versions = await sender.listVersions(undefined, signal);
      return findSyncPoint({ versions, prefix: input.prefix, intervalMs: input.intervalMs, now: now() }).at;
    }),
    listFilesystems: fromPromise<string[], void>(async ({ signal }) => {
      const filesystems = await sender.listFilesystems(signal);
      return filesystems.map((fs) => fs.path);
    }),
    createSnapshots: fromPromise<void, CreateSnapshotsInput>(async ({ input, signal }) => {
      await sender.createSnapshots(input.filesystems, input.snapshot, signal);
    }),
  };
}
