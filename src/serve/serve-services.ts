/**
 * What `xrepl serve` offers one client: a sink confined to `root_fs/<client>` (its floor on top),
 * or a source limited to its filter, each with the methods its role needs and nothing else.
 */
import { EndpointError } from '../domain/errors.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import { type FilesystemMatcher, filteredSender } from '../endpoint/filtered-sender.js';
import type { Service } from './endpoint-server.js';
import type { Method } from './protocol-messages.js';
import { type RetentionFloor, withRetentionFloor } from './retention-floor.js';

/** A sink serves what a pusher's receiver side needs: listings, receives, cursors, holds, pruning. */
export const SINK_METHODS: readonly Method[] = [
  'capabilities', 'listFilesystems', 'listVersions', 'listAll', 'listForeignCursors', 'listReplicationCursors',
  'receive', 'setReplicationCursor', 'hold', 'release', 'destroySnapshots', 'abortPartialReceive',
];

/** A source serves what a puller's sender side needs: listings, sends, cursor moves, holds, pruning. */
export const SOURCE_METHODS: readonly Method[] = [
  'capabilities', 'listFilesystems', 'listVersions', 'listAll', 'listForeignCursors', 'listReplicationCursors',
  'estimateSendSize', 'send', 'describeResumeToken', 'setReplicationCursor', 'hold', 'release', 'destroySnapshots',
];

/** A client name: one dataset name component, so `root_fs/<client>` is exactly one level below root_fs. */
export const CLIENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Throws unless the name can be a client's dataset below a sink's root_fs. */
export function assertClientName(client: string): void {
  if (!CLIENT_NAME_PATTERN.test(client)) {
    throw new TypeError(`invalid client name ${JSON.stringify(client)}: use 1 to 64 letters, digits or "_.:-", starting with a letter or digit`);
  }
}

/** Options of {@link sinkService}. */
export interface SinkServiceOptions {
  job: string;
  client: string;
  /** The sink's root_fs; the client's filesystems land below `<rootFs>/<client>`. */
  rootFs: string;
  /** A receiver rooted at a dataset, created on the first receive when missing (its parent must exist). */
  receiverAt(rootFs: string): Endpoint;
  floor?: RetentionFloor | undefined;
}

/** The service of a sink job for one client; the client names paths in its own namespace only. */
export function sinkService(options: SinkServiceOptions): Service {
  assertClientName(options.client);
  const rooted = options.receiverAt(`${options.rootFs}/${options.client}`);
  return {
    endpoint: options.floor === undefined ? rooted : withRetentionFloor(rooted, options.floor),
    methods: SINK_METHODS,
    job: options.job,
    client: options.client,
  };
}

/** Options of {@link sourceService}. */
export interface SourceServiceOptions {
  job: string;
  client: string;
  /** The pool's endpoint; it is served through the filter only. */
  endpoint: Endpoint;
  filter: FilesystemMatcher;
}

/** The service of a source job: exactly the filter's filesystems, never a receive or a new snapshot. */
export function sourceService(options: SourceServiceOptions): Service {
  assertClientName(options.client);
  return { endpoint: filteredSender(options.endpoint, options.filter), methods: SOURCE_METHODS, job: options.job, client: options.client };
}

/** The refusal when a client asks for a role the server's config has no job for. */
export function noJobFor(role: string, client: string, available: readonly string[]): string {
  const error = new EndpointError(
    `no ${role} job serves client ${client} here${available.length > 0 ? ` (this server has: ${available.join(', ')})` : ''}`,
    { kind: 'not-allowed' },
  );
  return error.message;
}
