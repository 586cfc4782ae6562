/**
 * A receiver view over any endpoint that confines it to one root filesystem, as zrepl's sink
 * with `root_fs`: the sender's `tank/a` lives at `<rootFs>/tank/a`, listings show only what lies
 * strictly below the root (in the sender's namespace), and nothing outside the root is touched.
 * With the job's filter, it shows and touches only the replicas of filesystems the filter passes,
 * so unrelated data and other jobs' replicas under the same root are never pruned.
 */
import { EndpointError } from '../domain/errors.js';
import type { FilesystemVersion, ListedVersion } from '../domain/version.js';
import type { Endpoint, EndpointListing, FilesystemInfo } from './endpoint.js';
import { checkDatasetName, throwIfAborted } from './endpoint-guards.js';
import type { FilesystemMatcher } from './filtered-sender.js';
import { missingRootError } from './receive-refusals.js';

/** Options of {@link rootedReceiver}. */
export interface RootedReceiverOptions {
  /** The receiver filesystem below which every sender filesystem is placed. It must exist, unless `createRootFs`. */
  rootFs: string;
  /**
   * The job's `filesystems` filter, in the sender's namespace: listings show only the replicas of
   * filesystems it passes, and only those can be received into or have snapshots destroyed
   * (`not-allowed` otherwise). Everything below the root when absent.
   */
  filter?: FilesystemMatcher | undefined;
  /**
   * A missing root is then no error: the listing is empty and the first receive creates it (the
   * inner endpoint does; its parent must exist). Off by default: xrepl creates nothing outside root_fs.
   */
  createRootFs?: boolean | undefined;
}

/** Wraps `inner` so that sender paths map to `<rootFs>/<path>` and nothing outside the root is written. */
export function rootedReceiver(inner: Endpoint, options: RootedReceiverOptions): Endpoint {
  const root = options.rootFs;
  checkDatasetName(root, 'filesystem');
  const prefix = `${root}/`;
  const filter = options.filter;
  const passes = (path: string): boolean => filter === undefined || filter.matches(path);

  // Maps a sender path to the receiver's dataset; refuses anything that would not land strictly below the root.
  const toLocal = (path: string, what: string): string => {
    if (path === '') {
      throw new EndpointError(`${what}: the root ${root} itself is not a target; name a filesystem below it`, {
        kind: 'outside-root',
        dataset: root,
      });
    }
    checkDatasetName(path, 'filesystem');
    if (!passes(path)) {
      throw new EndpointError(`${what}: ${path} is not one of this job's filesystems (its filter does not pass it), so its replica is not touched`, {
        kind: 'not-allowed',
        dataset: path,
      });
    }
    const local = `${prefix}${path}`;
    checkDatasetName(local, 'filesystem');
    if (!local.startsWith(prefix) || local.length <= prefix.length) {
      throw new EndpointError(`${what}: ${local} is outside the receiver root ${root}`, { kind: 'outside-root', dataset: local });
    }
    return local;
  };
  // A replica's sender path; undefined for the root, anything outside it, and what the filter does not pass.
  const toSender = (local: string): string | undefined => {
    if (!local.startsWith(prefix) || local.length <= prefix.length) return undefined;
    const path = local.slice(prefix.length);
    return passes(path) ? path : undefined;
  };
  const mapBack = <T>(map: Map<string, T>): Map<string, T> => {
    const out = new Map<string, T>();
    for (const [local, value] of map) {
      const path = toSender(local);
      if (path !== undefined) out.set(path, value);
    }
    return out;
  };

  // A listing without the root means it does not exist: say so, rather than plan into nothing.
  const fromLocal = (infos: readonly FilesystemInfo[]): FilesystemInfo[] => {
    if (options.createRootFs !== true && !infos.some((info) => info.path === root)) {
      throw missingRootError(root);
    }
    const out: FilesystemInfo[] = [];
    for (const info of infos) {
      const path = toSender(info.path);
      if (path !== undefined) out.push({ ...info, path });
    }
    return out;
  };

  const view: Endpoint = {
    name: inner.name,
    capabilities: (signal) => inner.capabilities(signal),
    async listFilesystems(signal): Promise<FilesystemInfo[]> {
      return fromLocal(await inner.listFilesystems(signal));
    },
    async listVersions(filesystems, signal): Promise<Map<string, ListedVersion[]>> {
      throwIfAborted(signal, 'listVersions');
      const local = filesystems?.map((fs) => toLocal(fs, 'listVersions'));
      return mapBack(await inner.listVersions(local, signal));
    },
    async estimateSendSize(request, signal) {
      return inner.estimateSendSize({ ...request, filesystem: toLocal(request.filesystem, 'estimateSendSize') }, signal);
    },
    async send(request, signal) {
      return inner.send({ ...request, filesystem: toLocal(request.filesystem, 'send') }, signal);
    },
    async receive(request, signal) {
      return inner.receive({ ...request, filesystem: toLocal(request.filesystem, 'receive') }, signal);
    },
    async listReplicationCursors(jobId, signal): Promise<Map<string, FilesystemVersion>> {
      return mapBack(await inner.listReplicationCursors(jobId, signal));
    },
    async setReplicationCursor(filesystem, version, jobId, signal, previous) {
      return inner.setReplicationCursor(toLocal(filesystem, 'setReplicationCursor'), version, jobId, signal, previous);
    },
    async hold(filesystem, snapshot, tag, signal) {
      return inner.hold(toLocal(filesystem, 'hold'), snapshot, tag, signal);
    },
    async release(filesystem, snapshot, tag, signal) {
      return inner.release(toLocal(filesystem, 'release'), snapshot, tag, signal);
    },
    async destroySnapshots(filesystem, snapshots, signal) {
      return inner.destroySnapshots(toLocal(filesystem, 'destroySnapshots'), snapshots, signal);
    },
    async createSnapshots(filesystems, snapshot, signal) {
      const local = filesystems.map((fs) => toLocal(fs, 'createSnapshots'));
      return inner.createSnapshots(local, snapshot, signal);
    },
  };
  // Clearing a stale partial receive is a write below the root like a receive.
  const innerAbort = inner.abortPartialReceive?.bind(inner);
  if (innerAbort !== undefined) {
    view.abortPartialReceive = async (filesystem, signal) => innerAbort(toLocal(filesystem, 'abortPartialReceive'), signal);
  }
  // Only an inner endpoint with a batched listing gives the view one, so engines fall back alike.
  const innerListAll = inner.listAll?.bind(inner);
  if (innerListAll !== undefined) {
    view.listAll = async (jobId, signal): Promise<EndpointListing> => {
      const all = await innerListAll(jobId, signal);
      const foreign = all.foreignCursors === undefined ? {} : { foreignCursors: mapBack(all.foreignCursors) };
      return { filesystems: fromLocal(all.filesystems), versions: mapBack(all.versions), cursors: mapBack(all.cursors), ...foreign };
    };
  }
  // A receiver can be another job's sender (A → B → C): its pruner must see that job's cursors too.
  const innerForeign = inner.listForeignCursors?.bind(inner);
  if (innerForeign !== undefined) view.listForeignCursors = async (jobId, signal) => mapBack(await innerForeign(jobId, signal));
  return view;
}
