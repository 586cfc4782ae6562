/**
 * An Endpoint whose calls travel over the protocol to `xrepl serve`: the engine uses it exactly
 * as a local endpoint. It connects on its first call and keeps that one connection for every call
 * after it (a run makes one ssh login); when the connection drops, the calls in flight fail with
 * the transient `connection-lost` and the next call connects again. Aborting a call sends a cancel
 * and waits (briefly) for the server to confirm, so a retry never overlaps the cancelled work.
 */
import type { Readable } from 'node:stream';
import { EndpointError } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';
import type { FilesystemVersion } from '../domain/version.js';
import { abortedError, throwIfAborted } from '../endpoint/endpoint-guards.js';
import type { Endpoint, EndpointListing, ReceiveRequest, SendRequest } from '../endpoint/endpoint.js';
import { IncomingStream, OutgoingStream } from './byte-streams.js';
import { type ByteChannel, FramedConnection } from './framed-connection.js';
import { type ParamsIn, RESULT_SCHEMAS, type ResultOut } from './method-schemas.js';
import { DEFAULT_PROTOCOL_LIMITS, PROTOCOL_NAME, PROTOCOL_VERSION, type ProtocolLimits } from './protocol-limits.js';
import { type Method, type ServiceRole, describeIssues, refusedSchema, serverMessageSchema, welcomeSchema } from './protocol-messages.js';
import { decodeError, decodeFilesystemInfo, decodeListedVersion, decodeListing, decodeMap, decodeVersion, encodeError, encodeVersion } from './wire-values.js';
import { setStreamRef } from './stream-ref.js';

/** Options of {@link createRemoteEndpoint}. */
export interface RemoteEndpointOptions {
  /** For logs and reports, e.g. `xrepl:backup.example`. */
  name: string;
  /** What the server is to be for this endpoint: a sink to push to, a source to pull from. */
  role: ServiceRole;
  /** Opens a fresh byte channel to the server (e.g. runs ssh). */
  connect(): Promise<ByteChannel>;
  limits?: Partial<ProtocolLimits> | undefined;
  /** How long an aborted call waits for the server to confirm the cancel; 5 s by default. */
  cancelGraceMs?: number | undefined;
  /** How long the handshake may take; 30 s by default. */
  handshakeTimeoutMs?: number | undefined;
}

/** A remote endpoint, which can also end its connection. */
export interface RemoteEndpoint extends Endpoint {
  /** Ends the connection, if one is open; a later call connects again. */
  close(): void;
}

interface Pending {
  settle(message: { ok: true; value: unknown } | { ok: false; error: EndpointError }): void;
}

interface Session {
  connection: FramedConnection;
  channel: ByteChannel;
  methods: ReadonlySet<string>;
  peerWindow: number;
  job: string;
  pending: Map<number, Pending>;
  incoming: Map<number, IncomingStream>;
  outgoing: Map<number, OutgoingStream>;
  nextId: number;
  closed: boolean;
}

// The optional Endpoint methods each role's view has; the server answers them for any endpoint.
const OPTIONAL_BY_ROLE: Record<ServiceRole, ReadonlySet<string>> = {
  sink: new Set(['listAll', 'listForeignCursors', 'abortPartialReceive']),
  source: new Set(['listAll', 'listForeignCursors', 'describeResumeToken']),
};

/** An Endpoint served by `xrepl serve` at the other end of `connect()`. */
export function createRemoteEndpoint(options: RemoteEndpointOptions): RemoteEndpoint {
  const limits: ProtocolLimits = { ...DEFAULT_PROTOCOL_LIMITS, ...options.limits };
  const grace = options.cancelGraceMs ?? 5000;
  const peer = `server ${options.name}`;
  let current: Session | undefined;
  let connecting: Promise<Session> | undefined;

  const lost = (why: string): EndpointError => new EndpointError(`${peer}: ${why}`, { kind: 'connection-lost' });

  // Keeps the process alive only while calls are in flight: an idle connection never holds a
  // finished `run` open, and the server sees the end of its input when the process exits.
  const updateRef = (session: Session): void => {
    const active = session.pending.size + session.incoming.size + session.outgoing.size > 0;
    for (const stream of [session.channel.input, session.channel.output] as const) {
      setStreamRef(stream, active);
    }
  };

  async function open(): Promise<Session> {
    const channel = await options.connect();
    const connection = new FramedConnection(channel, limits);
    return new Promise<Session>((resolve, reject) => {
      let session: Session | undefined;
      const timer = setTimeout(() => connection.close(new Error('no answer to the handshake')), options.handshakeTimeoutMs ?? 30_000);
      connection.start({
        closed(error) {
          clearTimeout(timer);
          if (session === undefined) {
            reject(lost(`the connection closed before the handshake${error !== undefined ? `: ${printableLine(error.message)}` : ''}`));
            return;
          }
          session.closed = true;
          const e = lost(`the connection closed${error !== undefined ? `: ${printableLine(error.message)}` : ''}`);
          for (const p of session.pending.values()) p.settle({ ok: false, error: e });
          for (const s of session.incoming.values()) s.fail(e);
          for (const s of session.outgoing.values()) s.stop();
          session.pending.clear();
          session.incoming.clear();
          session.outgoing.clear();
          if (current === session) current = undefined;
        },
        data(id, bytes) {
          session?.incoming.get(id)?.deliver(bytes);
        },
        message(raw) {
          if (session === undefined) {
            const refused = refusedSchema.safeParse(raw);
            if (refused.success) {
              clearTimeout(timer);
              reject(new EndpointError(`${peer} refused the connection: ${printableLine(refused.data.message)}`, { kind: 'not-allowed' }));
              connection.close();
              return;
            }
            const welcome = welcomeSchema.safeParse(raw);
            if (!welcome.success) {
              connection.fail(`expected a welcome (${describeIssues(welcome.error)})`);
              return;
            }
            if (welcome.data.protocol !== PROTOCOL_NAME || welcome.data.version !== PROTOCOL_VERSION) {
              connection.fail('incompatible protocol version');
              return;
            }
            clearTimeout(timer);
            session = {
              connection,
              channel,
              methods: new Set(welcome.data.methods),
              peerWindow: welcome.data.windowBytes,
              job: printableLine(welcome.data.job),
              pending: new Map(),
              incoming: new Map(),
              outgoing: new Map(),
              nextId: 1,
              closed: false,
            };
            resolve(session);
            return;
          }
          handle(session, raw);
        },
      });
      connection.send({ t: 'hello', protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, role: options.role, windowBytes: limits.windowBytes });
    });
  }

  function handle(session: Session, raw: unknown): void {
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      session.connection.fail(`malformed message from the server: ${describeIssues(parsed.error)}`);
      return;
    }
    const m = parsed.data;
    switch (m.t) {
      case 'result':
        session.pending.get(m.id)?.settle({ ok: true, value: m.value });
        return;
      case 'error':
        session.pending.get(m.id)?.settle({ ok: false, error: decodeError(m.error, peer) });
        return;
      case 'credit':
        session.outgoing.get(m.id)?.addCredit(m.bytes);
        return;
      case 'end':
        session.incoming.get(m.id)?.finish();
        return;
      case 'stream-error':
        session.incoming.get(m.id)?.fail(decodeError(m.error, peer));
        return;
      case 'fatal':
        session.connection.close(new Error(`the server gave up: ${printableLine(m.message)}`));
        return;
    }
  }

  async function session(signal: AbortSignal, what: string): Promise<Session> {
    if (current !== undefined && !current.closed) return current;
    connecting ??= open().finally(() => (connecting = undefined));
    const opened = await Promise.race([connecting, new Promise<never>((_r, reject) => signal.addEventListener('abort', () => reject(abortedError(what)), { once: true }))]);
    current = opened;
    return opened;
  }

  /** One call: its answer parsed with the method's result schema. `started` sees the call's id first. */
  async function call<M extends Method>(method: M, params: ParamsIn<M>, signal: AbortSignal, started?: (s: Session, id: number) => void): Promise<ResultOut<M>> {
    throwIfAborted(signal, method);
    const s = await session(signal, method);
    throwIfAborted(signal, method);
    if (!s.methods.has(method)) {
      throw new EndpointError(`${peer}: job ${s.job} does not serve ${method}`, { kind: 'not-allowed' });
    }
    const id = s.nextId++;
    const value = await new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        s.connection.send({ t: 'cancel', id });
        timer = setTimeout(() => done({ ok: false, error: abortedError(method) }), grace);
      };
      const done: Pending['settle'] = (answer) => {
        if (!s.pending.has(id)) return;
        s.pending.delete(id);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        updateRef(s);
        if (signal.aborted) reject(abortedError(method));
        else if (answer.ok) resolve(answer.value);
        else reject(answer.error);
      };
      s.pending.set(id, { settle: done });
      signal.addEventListener('abort', onAbort, { once: true });
      updateRef(s);
      started?.(s, id);
      try {
        s.connection.send({ t: 'call', id, method, params });
      } catch (error) {
        done({ ok: false, error: new EndpointError(`${method}: ${error instanceof Error ? error.message : String(error)}`, { kind: 'unsupported' }) });
      }
    });
    const parsed = RESULT_SCHEMAS[method].safeParse(value);
    if (!parsed.success) {
      throw new EndpointError(`${peer}: malformed answer to ${method}: ${describeIssues(parsed.error)}`, { kind: 'unexpected-output' });
    }
    return parsed.data as ResultOut<M>;
  }

  const sendParams = (r: SendRequest): ParamsIn<'send'> => ({
    filesystem: r.filesystem,
    ...(r.from === undefined ? {} : { from: encodeVersion(r.from) }),
    to: encodeVersion(r.to),
    ...(r.resumeToken === undefined ? {} : { resumeToken: r.resumeToken }),
  });

  async function send(request: SendRequest, signal: AbortSignal): Promise<Readable> {
    let stream: IncomingStream | undefined;
    let owner: Session | undefined;
    let streamId = 0;
    try {
      await call('send', sendParams(request), signal, (s, id) => {
        owner = s;
        streamId = id;
        stream = new IncomingStream((bytes) => s.connection.send({ t: 'credit', id, bytes }), limits.windowBytes, (why) => s.connection.fail(why));
        s.incoming.set(id, stream);
      });
    } catch (error) {
      if (owner !== undefined) owner.incoming.delete(streamId);
      stream?.destroy();
      throw error;
    }
    const s = owner;
    const out = stream;
    if (s === undefined || out === undefined) throw new EndpointError(`${peer}: send answered without a stream`, { kind: 'unexpected-output' });
    const onAbort = (): void => {
      out.destroy(abortedError('send', request.filesystem));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    out.once('close', () => {
      signal.removeEventListener('abort', onAbort);
      // A stream its reader dropped early stops the server's zfs send too.
      if (!out.readableEnded && !s.closed) s.connection.send({ t: 'cancel', id: streamId });
      s.incoming.delete(streamId);
      updateRef(s);
    });
    return out;
  }

  async function receive(request: ReceiveRequest, signal: AbortSignal): Promise<void> {
    let pump: OutgoingStream | undefined;
    let owner: Session | undefined;
    let streamId = 0;
    try {
      await call(
        'receive',
        { filesystem: request.filesystem, ...(request.from === undefined ? {} : { from: encodeVersion(request.from) }), to: encodeVersion(request.to) },
        signal,
        (s, id) => {
          owner = s;
          streamId = id;
          const out = new OutgoingStream(s.connection, id, s.peerWindow);
          pump = out;
          s.outgoing.set(id, out);
          // Started after the call message is written (this runs before it, synchronously).
          queueMicrotask(() => {
            out.pump(request.stream).then(
              (complete) => {
                if (complete) s.connection.send({ t: 'end', id });
              },
              (error: unknown) => {
                if (!s.closed) s.connection.send({ t: 'stream-error', id, error: encodeError(error) });
              },
            );
          });
        },
      );
    } finally {
      pump?.stop();
      owner?.outgoing.delete(streamId);
      if (owner !== undefined) updateRef(owner);
    }
  }

  const endpoint: RemoteEndpoint = {
    name: options.name,
    close() {
      current?.connection.close();
    },
    capabilities: (signal) => call('capabilities', {}, signal),
    listFilesystems: async (signal) => (await call('listFilesystems', {}, signal)).map(decodeFilesystemInfo),
    listVersions: async (filesystems, signal) =>
      decodeMap(await call('listVersions', filesystems === undefined ? {} : { filesystems: [...filesystems] }, signal), (vs) => vs.map(decodeListedVersion)),
    estimateSendSize: async (request, signal) => (await call('estimateSendSize', sendParams(request), signal)) ?? undefined,
    send,
    receive,
    listReplicationCursors: async (jobId, signal) => decodeMap(await call('listReplicationCursors', { jobId }, signal), decodeVersion),
    setReplicationCursor: async (filesystem, version: FilesystemVersion, jobId, signal, previous) => {
      await call('setReplicationCursor', { filesystem, version: encodeVersion(version), jobId, ...(previous === undefined ? {} : { previous: encodeVersion(previous) }) }, signal);
    },
    hold: async (filesystem, snapshot, tag, signal) => void (await call('hold', { filesystem, snapshot, tag }, signal)),
    release: async (filesystem, snapshot, tag, signal) => void (await call('release', { filesystem, snapshot, tag }, signal)),
    destroySnapshots: async (filesystem, snapshots, signal) => {
      if (snapshots.length === 0) throwIfAborted(signal, 'destroySnapshots');
      const results = await call('destroySnapshots', { filesystem, snapshots: [...snapshots] }, signal);
      return results.map((r) => (r.error === undefined ? { name: r.name } : { name: r.name, error: decodeError(r.error, peer) }));
    },
    createSnapshots: async (filesystems, snapshot, signal) => void (await call('createSnapshots', { filesystems: [...filesystems], snapshot }, signal)),
  };
  const optional = OPTIONAL_BY_ROLE[options.role];
  if (optional.has('listAll')) endpoint.listAll = async (jobId, signal): Promise<EndpointListing> => decodeListing(await call('listAll', { jobId }, signal));
  if (optional.has('listForeignCursors')) endpoint.listForeignCursors = async (jobId, signal) => decodeMap(await call('listForeignCursors', { jobId }, signal), (cs) => cs);
  if (optional.has('describeResumeToken')) {
    endpoint.describeResumeToken = async (token, signal) => {
      const t = await call('describeResumeToken', { token }, signal);
      return { filesystem: t.filesystem, snapshot: t.snapshot, toGuid: t.toGuid, ...(t.fromGuid === undefined ? {} : { fromGuid: t.fromGuid }) };
    };
  }
  if (optional.has('abortPartialReceive')) endpoint.abortPartialReceive = async (filesystem, signal) => void (await call('abortPartialReceive', { filesystem }, signal));
  return endpoint;
}
