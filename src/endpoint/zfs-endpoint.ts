import type { Readable } from 'node:stream';
import { parentFilesystem } from '../domain/dataset-name.js';
import { EndpointError } from '../domain/errors.js';
import { versionFullName, type ListedVersion } from '../domain/version.js';
import { createLocalTransport } from '../transport/local-transport.js';
import type { Transport } from '../transport/transport.js';
import { attemptZfs, runZfs, runZfsWithInput, streamZfsOutput } from '../zfs/command-runner.js';
import { detectFeatures } from '../zfs/detect-features.js';
import { narrowToPools, poolsOf, probePoolFeatures } from '../zfs/pool-features.js';
import { listFilesystems } from '../zfs/list-filesystems.js';
import { listAll } from '../zfs/list-all.js';
import { listVersions } from '../zfs/listing.js';
import { parseSendEstimate } from '../zfs/parse-send-estimate.js';
import { knownFromListing, receivesIntoNewFilesystem, rememberReceived, type KnownFilesystems } from '../zfs/known-filesystems.js';
import { fastFullReceiveTarget, inspectFullReceiveTarget, prepareFullReceive, unmarkPlaceholder, type FullReceiveTarget, type ReceiveRoot } from '../zfs/receive-target.js';
import { listForeignCursors, listReplicationCursors, setReplicationCursor } from '../zfs/replication-cursor.js';
import { abortReceiveArgs, describeResumeToken, resumeTokenFilesystem, withResumeTargets } from '../zfs/resume-token.js';
import { verifySendStream } from '../zfs/send-stream-header.js';
import { createSnapshots, destroySnapshots } from '../zfs/snapshots.js';
import { checkName, holdArgs, receiveArgs, releaseArgs, sendArgs } from '../zfs/zfs-args.js';
import { createEncryptionLookup } from '../zfs/encryption-lookup.js';
import { encryptionRefusal, needsEncryptionCheck, receiveOptionArgs, sendOptionFlags, unsupportedReceiveOptions, unsupportedSendOptions } from '../zfs/transfer-flags.js';
import type { ReceiveOptions, SendOptions } from '../transfer-options/transfer-options.js';
import type { ZfsContext } from '../zfs/zfs-context.js';
import type { ZfsFeatures } from '../zfs/zfs-features.js';
import type { Endpoint, EndpointCapabilities, ReceiveRequest, ResumeTokenTarget, SendRequest } from './endpoint.js';
import { filteredSender, type FilesystemMatcher } from './filtered-sender.js';
import { rootedReceiver } from './rooted-receiver.js';

/** Options of {@link createRawZfsEndpoint}. */
export interface RawZfsEndpointOptions {
  /** How to reach zfs; this machine by default. */
  transport?: Transport | undefined;
  /** The datasets that listings recurse from; every pool when absent or empty. */
  roots?: readonly string[] | undefined;
  /** The endpoint's name in logs; `zfs:<transport>` by default. */
  name?: string | undefined;
  /**
   * Full receives create placeholders only strictly below this filesystem, which must exist
   * (unless `create` says to make it). Without it, the pool is the limit.
   */
  receiveRoot?: ReceiveRoot | undefined;
  /** The job's `send:` options: flags of every send, and which filesystems may be sent at all. */
  send?: SendOptions | undefined;
  /** The job's `recv:` options: flags of every receive, and how placeholders are made. */
  receive?: ReceiveOptions | undefined;
}

/** The real-ZFS endpoint without confinement, plus what its zfs supports. */
export interface RawZfsEndpoint extends Endpoint {
  /** The probed features of this endpoint's zfs (probed once, then cached). */
  features(signal: AbortSignal): Promise<ZfsFeatures>;
}

/** Rejects with an `aborted` EndpointError when the signal fires, so a shared probe never outlives its caller. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new EndpointError(`${what} aborted`, { kind: 'aborted' }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new EndpointError(`${what} aborted`, { kind: 'aborted' }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Feature probes by transport: endpoints on one transport (a local sender and receiver) run one probe. */
const probes = new WeakMap<Transport, Promise<ZfsFeatures>>();

/** The transport's probe, run once, detached from any one caller's signal; a failed probe is retried next time. */
function sharedProbe(transport: Transport): Promise<ZfsFeatures> {
  let probe = probes.get(transport);
  if (probe === undefined) {
    const started: Promise<ZfsFeatures> = detectFeatures(transport, new AbortController().signal).catch((err: unknown) => {
      if (probes.get(transport) === started) probes.delete(transport);
      throw err;
    });
    probe = started;
    probes.set(transport, probe);
  }
  return probe;
}

/**
 * The endpoint on a real ZFS pool, local or over ssh, with the real dataset names: no filter and no
 * root. Listings are batched into one `zfs get` process each; streams flow through Node with
 * backpressure; every feature zfs-fuse lacks has a fallback (see `src/zfs/zfs-features.ts`).
 */
export function createRawZfsEndpoint(options: RawZfsEndpointOptions = {}): RawZfsEndpoint {
  const transport = options.transport ?? createLocalTransport();
  const roots = [...(options.roots ?? [])];
  for (const r of roots) checkName(r, 'filesystem');
  // The binary's features narrowed per pool (feature@extensible_dataset, feature@bookmarks) of the
  // pools this endpoint covers; probed once, again after a failure.
  let narrowed: Promise<ZfsFeatures> | undefined;
  const endpointFeatures = (): Promise<ZfsFeatures> => {
    narrowed ??= sharedProbe(transport)
      .then(async (f) => (f.bookmarks || f.resumableReceive ? narrowToPools(f, await probePoolFeatures(transport, poolsOf(roots), new AbortController().signal)) : f))
      .catch((err: unknown) => {
        narrowed = undefined;
        throw err;
      });
    return narrowed;
  };
  const features = (signal: AbortSignal): Promise<ZfsFeatures> => raceAbort(endpointFeatures(), signal, 'zfs feature probe');
  const ctx: ZfsContext = { transport, features, roots, receiveOptions: options.receive };
  const encryption = createEncryptionLookup(ctx);
  // The job's send flags, or a refusal naming what this zfs lacks or why the filesystem may not go
  // (encrypted without send.encrypted saying how): per filesystem, before zfs send runs.
  const sendFlagsFor = async (filesystem: string, signal: AbortSignal): Promise<string[]> => {
    const f = await features(signal);
    const missing = unsupportedSendOptions(options.send, f);
    if (missing.length > 0) {
      throw new EndpointError(`cannot send ${filesystem}: the zfs of ${transport.name} has no ${missing.join(', ')}`, { kind: 'unsupported', dataset: filesystem });
    }
    if (needsEncryptionCheck(options.send, f)) {
      const refusal = encryptionRefusal(options.send, await encryption.isEncrypted(filesystem, signal), filesystem);
      if (refusal !== undefined) throw refusal;
    }
    return sendOptionFlags(options.send);
  };
  const requireHolds = async (what: string, dataset: string, signal: AbortSignal): Promise<void> => {
    if (!(await features(signal)).holds) throw new EndpointError(`cannot ${what} ${dataset}: this zfs has no holds`, { kind: 'unsupported', dataset });
  };
  // What the last listAll showed (see KnownFilesystems): a full receive into a new filesystem then
  // skips its look at the target. Forgotten on any failed receive.
  let known: KnownFilesystems | undefined;
  // Which filesystems the last listAll covered, and which of them had a cursor of its job: a
  // first cursor then needs no lookup of older ones. Forgotten when a move fails.
  let listedCursors: { jobId: string; filesystems: ReadonlySet<string>; withCursor: Set<string> } | undefined;
  const sendTarget = (request: SendRequest): { from?: string; to: string } => {
    checkName(request.filesystem, 'filesystem');
    const to = checkName(versionFullName(request.filesystem, request.to), 'snapshot');
    return request.from === undefined ? { to } : { from: checkName(versionFullName(request.filesystem, request.from), 'any'), to };
  };

  return {
    name: options.name ?? `zfs:${transport.name}`,
    features,

    async capabilities(signal): Promise<EndpointCapabilities> {
      const f = await features(signal);
      return { sizeEstimates: f.sendEstimate, bookmarks: f.bookmarks, resumableReceive: f.resumableReceive, holds: f.holds };
    },

    // Where each partial receive leads, as listAll tells it too.
    listFilesystems: async (signal) => withResumeTargets(transport, await listFilesystems(ctx, signal), signal),

    async listVersions(filesystems, signal): Promise<Map<string, ListedVersion[]>> {
      for (const fs of filesystems ?? []) checkName(fs, 'filesystem');
      return listVersions(ctx, filesystems, signal);
    },

    async estimateSendSize(request, signal): Promise<number | undefined> {
      const target = sendTarget(request);
      const f = await features(signal);
      if (!f.sendEstimate) return undefined;
      // Raw and compressed streams are smaller: estimate with the flags the send will use (none
      // where the send will be refused anyway).
      const flags = request.resumeToken === undefined && unsupportedSendOptions(options.send, f).length === 0 ? sendOptionFlags(options.send) : [];
      const args = sendArgs({ filesystem: request.filesystem, ...target, resumeToken: request.resumeToken, dryRunEstimate: true, flags });
      const out = await runZfs(transport, args, { signal, dataset: target.to });
      // OpenZFS 2.x prints a dry run's estimate on stdout; older releases printed it on stderr.
      return parseSendEstimate(`${out.stdout}\n${out.stderr}`, ['zfs', ...args]);
    },

    async send(request, signal): Promise<Readable> {
      const target = sendTarget(request);
      // A resumed stream goes on with the flags its token carries.
      const flags = request.resumeToken === undefined ? await sendFlagsFor(request.filesystem, signal) : [];
      const args = sendArgs({ filesystem: request.filesystem, ...target, resumeToken: request.resumeToken, flags });
      const stream = streamZfsOutput(transport, args, { signal, dataset: target.to });
      // No `zfs get guid` beforehand (it was one process per step): zfs send itself fails for a
      // snapshot or base that no longer exists ("does not exist": dataset-not-found), and the
      // stream's first record states the guids it leads from and to, so a snapshot re-created
      // under the planned name is caught before a byte reaches the receiver. A resumed stream
      // starts with the same record for the snapshot it resumes, so it is checked alike: a token
      // (the receiver's data) that leads elsewhere than the planned step sends nothing.
      return verifySendStream(stream, { to: request.to.guid, from: request.from?.guid, dataset: target.to, command: ['zfs', ...args] });
    },

    async receive(request: ReceiveRequest, signal): Promise<void> {
      const fs = checkName(request.filesystem, 'filesystem');
      const target = checkName(versionFullName(fs, request.to), 'snapshot');
      let prepared: FullReceiveTarget = { force: false, unmark: false };
      const full = request.from === undefined;
      try {
        const f = await features(signal);
        const missing = unsupportedReceiveOptions(options.receive, f);
        if (missing.length > 0) {
          throw new EndpointError(`cannot receive into ${fs}: the zfs of ${transport.name} has no ${missing.join(', ')}`, { kind: 'unsupported', dataset: fs });
        }
        const properties = receiveOptionArgs(options.receive);
        if (full) {
          const fast = known !== undefined && receivesIntoNewFilesystem(known, fs) ? await fastFullReceiveTarget(ctx, fs, f, signal) : undefined;
          if (fast !== undefined) prepared = fast;
          else {
            prepared = await prepareFullReceive(ctx, fs, options.receiveRoot, signal);
            // Its parents exist now (made as placeholders where missing).
            const parent = parentFilesystem(fs);
            if (known !== undefined && parent !== undefined) rememberReceived(known, parent);
          }
        }
        // canmount=noauto only on the receive that creates the filesystem: later ones keep whatever the operator set.
        const args = receiveArgs(target, { force: prepared.force, resumable: f.resumableReceive, canmountNoauto: full && f.receiveProperties, properties });
        await runZfsWithInput(transport, args, request.stream, { signal, dataset: target });
        if (prepared.unmark) await unmarkPlaceholder(ctx, fs, signal);
        if (known !== undefined) rememberReceived(known, fs);
      } catch (err) {
        known = undefined;
        // Whatever failed before the stream was consumed, the sender must not be left writing into nothing.
        if (!request.stream.destroyed) request.stream.destroy();
        // A child's receive at the same time (another job on this pool, or a caller other than the
        // engine, whose queue runs first replications parent first) may have made this filesystem
        // its placeholder parent after we looked: the next attempt receives onto the placeholder.
        // Anything else that appeared there is refused with what the operator can do.
        if (full && !prepared.force && err instanceof EndpointError && err.kind === 'dataset-exists' && !signal.aborted) {
          const state = await inspectFullReceiveTarget(ctx, fs, signal).catch(() => undefined);
          if (state?.kind === 'placeholder' || state?.kind === 'interrupted') {
            throw new EndpointError(`${fs} became a placeholder while the receive started (a child was received at the same time); retry`, {
              kind: 'dataset-busy',
              dataset: fs,
              cause: err,
            });
          }
          if (state?.kind === 'foreign') throw state.error;
        }
        throw err;
      }
    },

    async listAll(jobId, signal) {
      const listing = await listAll(ctx, jobId, signal);
      encryption.forget();
      const paths = listing.filesystems.map((f) => f.path);
      known = knownFromListing(roots, paths);
      listedCursors = { jobId, filesystems: new Set(paths), withCursor: new Set(listing.cursors.keys()) };
      return listing;
    },

    listReplicationCursors: (jobId, signal) => listReplicationCursors(ctx, jobId, signal),

    listForeignCursors: (jobId, signal) => listForeignCursors(ctx, jobId, signal),

    async setReplicationCursor(filesystem, version, jobId, signal, previous): Promise<void> {
      const listed = listedCursors?.jobId === jobId && listedCursors.filesystems.has(filesystem) ? listedCursors : undefined;
      const listedWithout = listed !== undefined && !listed.withCursor.has(filesystem);
      try {
        await setReplicationCursor(ctx, filesystem, version, jobId, signal, previous, listedWithout);
      } catch (err) {
        listedCursors = undefined;
        throw err;
      }
      listed?.withCursor.add(filesystem);
    },

    async hold(filesystem, snapshot, tag, signal): Promise<void> {
      const name = checkName(`${checkName(filesystem, 'filesystem')}@${snapshot}`, 'snapshot');
      const args = holdArgs(tag, name);
      await requireHolds('hold', name, signal);
      const attempt = await attemptZfs(transport, args, { signal, dataset: name });
      if (!attempt.ok && !/tag already exists/i.test(attempt.stderr)) throw attempt.error;
    },

    async release(filesystem, snapshot, tag, signal): Promise<void> {
      const name = checkName(`${checkName(filesystem, 'filesystem')}@${snapshot}`, 'snapshot');
      const args = releaseArgs(tag, name);
      await requireHolds('release', name, signal);
      const attempt = await attemptZfs(transport, args, { signal, dataset: name });
      if (!attempt.ok && !/no such tag/i.test(attempt.stderr)) throw attempt.error;
    },

    destroySnapshots: (filesystem, snapshots, signal) => destroySnapshots(ctx, filesystem, snapshots, signal),

    createSnapshots: (filesystems, snapshot, signal) => createSnapshots(ctx, filesystems, snapshot, signal),

    async describeResumeToken(token, signal): Promise<ResumeTokenTarget> {
      const contents = await describeResumeToken(transport, token, signal);
      const filesystem = resumeTokenFilesystem(contents);
      return { filesystem, snapshot: contents.toName.slice(filesystem.length + 1), toGuid: contents.toGuid, fromGuid: contents.fromGuid };
    },

    async abortPartialReceive(filesystem, signal): Promise<void> {
      const fs = checkName(filesystem, 'filesystem');
      // Aborting the partial state of a full receive destroys the filesystem it made.
      known = undefined;
      const attempt = await attemptZfs(transport, abortReceiveArgs(fs), { signal, dataset: fs });
      // OpenZFS: "'<fs>' does not have any resumable receive state to abort": nothing to clear.
      if (!attempt.ok && !/does not have any resumable receive state|dataset does not exist/i.test(attempt.stderr)) throw attempt.error;
    },
  };
}

/** Options of {@link createZfsEndpoint}. */
export interface ZfsEndpointOptions extends RawZfsEndpointOptions {
  /** A sender serves only what `filter` allows; a receiver lives under `rootFs`. Raw when absent. */
  role?: 'sender' | 'receiver' | undefined;
  /**
   * Sender: the filesystems it serves. Receiver: the job's filter, so that only the replicas of
   * filesystems it passes are listed and pruned (everything below `rootFs` when absent).
   */
  filter?: FilesystemMatcher | undefined;
  /** Receiver: the filesystem under which each sender filesystem is placed; it must exist. */
  rootFs?: string | undefined;
  /** Receiver: create `rootFs` (as a placeholder, its parent must exist) when it is missing. */
  createRootFs?: boolean | undefined;
}

/**
 * The endpoint on a real ZFS pool as a job uses it: a sender view limited to its filter, or a
 * receiver view confined below `rootFs` (which also limits listings to that root), or, with
 * neither, the raw endpoint.
 */
export function createZfsEndpoint(options: ZfsEndpointOptions = {}): Endpoint {
  const role = options.role ?? (options.rootFs !== undefined ? 'receiver' : options.filter !== undefined ? 'sender' : undefined);
  if (role === 'receiver') {
    if (options.rootFs === undefined) throw new TypeError('a zfs receiver endpoint needs rootFs');
    const createRootFs = options.createRootFs === true;
    const raw = createRawZfsEndpoint({ ...options, roots: options.roots ?? [options.rootFs], receiveRoot: { rootFs: options.rootFs, create: createRootFs } });
    return rootedReceiver(raw, { rootFs: options.rootFs, filter: options.filter, createRootFs });
  }
  if (role === 'sender') {
    if (options.rootFs !== undefined || options.createRootFs !== undefined) throw new TypeError('a zfs sender endpoint takes filter, not rootFs');
    const raw = createRawZfsEndpoint(options);
    return options.filter === undefined ? raw : filteredSender(raw, options.filter);
  }
  return createRawZfsEndpoint(options);
}
