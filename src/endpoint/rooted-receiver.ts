/**
 * A receiver view over any endpoint that confines it to one root filesystem, as zrepl's sink
 * with `root_fs`: the sender's `tank/a` lives at `<rootFs>/tank/a`, listings show only what lies
 * strictly below the root (in the sender's namespace), and nothing outside the root is touched.
 */
import { EndpointError } from '../domain/errors.js';
import type { FilesystemVersion, ListedVersion } from '../domain/version.js';
import type { Endpoint, EndpointListing, FilesystemInfo } from './endpoint.js';
import { checkDatasetName, throwIfAborted } from './endpoint-guards.js';

/** Options of {@link rootedReceiver}. */
export interface RootedReceiverOptions {
  /** The receiver filesystem below which every sender filesystem is placed. */
  rootFs: string;
}

/** Wraps `inner` so that sender paths map to `<rootFs>/<path>` and nothing outside the root is written. */
export function rootedReceiver(inner: Endpoint, options: RootedReceiverOptions): Endpoint {
  const root = options.rootFs;
  checkDatasetName(root, 'filesystem');
  const prefix = `${root}/`;

  // Maps a sender path to the receiver's dataset; refuses anything that would not land strictly below the root.
  const toLocal = (path: string, what: string): string => {
    if (path === '') {
      throw new EndpointError(`${what}: the root ${root} itself is not a target; name a filesystem below it`, {
        kind: 'outside-root',
        dataset: root,
      });
    }
    checkDatasetName(path, 'filesystem');
    const local = `${prefix}${path}`;
    checkDatasetName(local, 'filesystem');
    if (!local.startsWith(prefix) || local.length <= prefix.length) {
      throw new EndpointError(`${what}: ${local} is outside the receiver root ${root}`, { kind: 'outside-root', dataset: local });
    }
    return local;
  };
  const toSender = (local: string): string | undefined =>
    local.startsWith(prefix) && local.length > prefix.length ? local.slice(prefix.length) : undefined;
  const mapBack = <T>(map: Map<string, T>): Map<string, T> => {
    const out = new Map<string, T>();
    for (const [local, value] of map) {
      const path = toSender(local);
      if (path !== undefined) out.set(path, value);
    }
    return out;
  };

  const fromLocal = (infos: readonly FilesystemInfo[]): FilesystemInfo[] => {
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
