/**
 * A sender view over any endpoint that serves only the filesystems a filter allows, as zrepl's
 * source job serves only its `filesystems:`. Anything else is refused with kind `not-allowed`
 * before the inner endpoint is asked, so a misconfigured engine cannot read or change it.
 */
import { EndpointError } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';
import type { ListedVersion, FilesystemVersion } from '../domain/version.js';
import type { Endpoint, EndpointListing, FilesystemInfo, ReceiveRequest, SendRequest } from './endpoint.js';
import { checkDatasetName, throwIfAborted } from './endpoint-guards.js';

/** Anything that answers whether a filesystem path is included, e.g. `filesystemFilter(spec)`. */
export interface FilesystemMatcher {
  matches(path: string): boolean;
}

/** Wraps `inner` so that it serves only the filesystems `filter` matches. */
export function filteredSender(inner: Endpoint, filter: FilesystemMatcher): Endpoint {
  const allow = (filesystem: string, what: string): void => {
    checkDatasetName(filesystem, 'filesystem');
    if (!filter.matches(filesystem)) {
      throw new EndpointError(`${what}: filesystem ${filesystem} is not served by this sender's filter`, {
        kind: 'not-allowed',
        dataset: filesystem,
      });
    }
  };
  const keepAllowed = <T>(map: Map<string, T>): Map<string, T> => {
    const out = new Map<string, T>();
    for (const [fs, value] of map) if (filter.matches(fs)) out.set(fs, value);
    return out;
  };

  // A resume token is the receiver's data: `zfs send -t` sends whatever it names, whatever the
  // filter says. It is read here (it works on stale tokens) and refused unless it leads to the
  // requested step of a served filesystem.
  const innerDescribe = inner.describeResumeToken?.bind(inner);
  const checkResumeToken = async (request: SendRequest, what: string, signal: AbortSignal): Promise<void> => {
    if (request.resumeToken === undefined) return;
    if (innerDescribe === undefined) {
      throw new EndpointError(`${what}: this sender cannot read resume tokens, so it does not resume ${request.filesystem}`, { kind: 'not-allowed', dataset: request.filesystem });
    }
    const target = await innerDescribe(request.resumeToken, signal);
    if (!filter.matches(target.filesystem)) {
      // Not naming where it leads: a name outside the filter is not the client's to learn.
      throw new EndpointError(`${what}: the resume token for ${request.filesystem} leads to a filesystem this sender's filter does not serve`, {
        kind: 'not-allowed',
        dataset: request.filesystem,
      });
    }
    if (target.filesystem !== request.filesystem) {
      throw new EndpointError(`${what}: the resume token for ${request.filesystem} leads to ${printableLine(target.filesystem)}@${printableLine(target.snapshot)}, another filesystem`, {
        kind: 'not-allowed',
        dataset: request.filesystem,
      });
    }
    if (target.toGuid !== request.to.guid || (target.fromGuid ?? 0n) !== (request.from?.guid ?? 0n)) {
      throw new EndpointError(`${what}: the resume token of ${request.filesystem} leads to @${printableLine(target.snapshot)} (guid ${target.toGuid}), not to the requested step`, {
        kind: 'resume-token-stale',
        dataset: request.filesystem,
      });
    }
  };

  const view: Endpoint = {
    name: inner.name,
    capabilities: (signal) => inner.capabilities(signal),
    async listFilesystems(signal): Promise<FilesystemInfo[]> {
      const all = await inner.listFilesystems(signal);
      return all.filter((info) => filter.matches(info.path));
    },
    async listVersions(filesystems, signal): Promise<Map<string, ListedVersion[]>> {
      throwIfAborted(signal, 'listVersions');
      if (filesystems === undefined) return keepAllowed(await inner.listVersions(undefined, signal));
      for (const fs of filesystems) allow(fs, 'listVersions');
      return inner.listVersions(filesystems, signal);
    },
    async estimateSendSize(request: SendRequest, signal) {
      allow(request.filesystem, 'estimateSendSize');
      await checkResumeToken(request, 'estimateSendSize', signal);
      return inner.estimateSendSize(request, signal);
    },
    async send(request: SendRequest, signal) {
      allow(request.filesystem, 'send');
      await checkResumeToken(request, 'send', signal);
      return inner.send(request, signal);
    },
    async receive(request: ReceiveRequest, signal) {
      allow(request.filesystem, 'receive');
      return inner.receive(request, signal);
    },
    async listReplicationCursors(jobId, signal): Promise<Map<string, FilesystemVersion>> {
      return keepAllowed(await inner.listReplicationCursors(jobId, signal));
    },
    async setReplicationCursor(filesystem, version, jobId, signal, previous) {
      allow(filesystem, 'setReplicationCursor');
      return inner.setReplicationCursor(filesystem, version, jobId, signal, previous);
    },
    async hold(filesystem, snapshot, tag, signal) {
      allow(filesystem, 'hold');
      return inner.hold(filesystem, snapshot, tag, signal);
    },
    async release(filesystem, snapshot, tag, signal) {
      allow(filesystem, 'release');
      return inner.release(filesystem, snapshot, tag, signal);
    },
    async destroySnapshots(filesystem, snapshots, signal) {
      allow(filesystem, 'destroySnapshots');
      return inner.destroySnapshots(filesystem, snapshots, signal);
    },
    async createSnapshots(filesystems, snapshot, signal) {
      for (const fs of filesystems) allow(fs, 'createSnapshots');
      return inner.createSnapshots(filesystems, snapshot, signal);
    },
  };
  if (innerDescribe !== undefined) {
    view.describeResumeToken = async (token, signal) => {
      const target = await innerDescribe(token, signal);
      if (!filter.matches(target.filesystem)) {
        throw new EndpointError("describeResumeToken: the token leads to a filesystem this sender's filter does not serve", { kind: 'not-allowed' });
      }
      return target;
    };
  }
  const innerAbort = inner.abortPartialReceive?.bind(inner);
  if (innerAbort !== undefined) {
    view.abortPartialReceive = async (filesystem, signal) => {
      allow(filesystem, 'abortPartialReceive');
      return innerAbort(filesystem, signal);
    };
  }
  // Only an inner endpoint with a batched listing gives the view one, so engines fall back alike.
  const innerListAll = inner.listAll?.bind(inner);
  if (innerListAll !== undefined) {
    view.listAll = async (jobId, signal): Promise<EndpointListing> => {
      const all = await innerListAll(jobId, signal);
      const foreign = all.foreignCursors === undefined ? {} : { foreignCursors: keepAllowed(all.foreignCursors) };
      return { filesystems: all.filesystems.filter((info) => filter.matches(info.path)), versions: keepAllowed(all.versions), cursors: keepAllowed(all.cursors), ...foreign };
    };
  }
  const innerForeign = inner.listForeignCursors?.bind(inner);
  if (innerForeign !== undefined) view.listForeignCursors = async (jobId, signal) => keepAllowed(await innerForeign(jobId, signal));
  return view;
}
