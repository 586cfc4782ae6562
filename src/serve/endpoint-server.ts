/**
 * The serving side of the protocol: one connection, one Endpoint. Every call is parsed with its
 * method's zod schema before the endpoint is touched; a method outside the service's list is
 * refused; a malformed call gets an error answer and the connection goes on, while a framing
 * violation closes it. Nothing a peer sends can throw out of here.
 */
import { EndpointError } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';
import type { Endpoint, EndpointListing } from '../endpoint/endpoint.js';
import { IncomingStream, OutgoingStream } from './byte-streams.js';
import { type ByteChannel, FramedConnection } from './framed-connection.js';
import { PARAM_SCHEMAS, type ParamsOut, type ResultIn } from './method-schemas.js';
import { DEFAULT_PROTOCOL_LIMITS, PROTOCOL_NAME, PROTOCOL_VERSION, type ProtocolLimits } from './protocol-limits.js';
import { METHODS, type Method, type ServiceRole, clientMessageSchema, describeIssues, helloSchema } from './protocol-messages.js';
import {
  decodeError,
  decodeVersion,
  encodeError,
  encodeFilesystemInfo,
  encodeForeignCursor,
  encodeListedVersion,
  encodeListing,
  encodeMap,
  encodeResumeTokenTarget,
  encodeVersion,
} from './wire-values.js';

/** What a connection serves once its client said what it wants. */
export interface Service {
  /** The endpoint, already confined (a rooted receiver, a filtered sender). */
  endpoint: Endpoint;
  /** The methods served; every other one is refused with kind `not-allowed`. */
  methods: readonly Method[];
  /** The server's job name and the client's name, for logs and the welcome. */
  job: string;
  client: string;
}

/** Options of {@link serveConnection}. */
export interface ServeConnectionOptions {
  /** The service for a client's role, or the reason it is refused (sent to the client). */
  resolve(role: ServiceRole): Service | string;
  limits?: Partial<ProtocolLimits> | undefined;
  /** Calls in flight at once; more are refused (a client never needs many). */
  maxCallsInFlight?: number | undefined;
  /** Where the server tells what happens (one line each); nothing by default. */
  log?: ((level: 'info' | 'warn', message: string) => void) | undefined;
}

/** Serves one connection until it closes; resolves then (with the reason, if it broke). */
export function serveConnection(channel: ByteChannel, options: ServeConnectionOptions): Promise<Error | undefined> {
  const limits: ProtocolLimits = { ...DEFAULT_PROTOCOL_LIMITS, ...options.limits };
  const maxCalls = options.maxCallsInFlight ?? 64;
  const log = options.log ?? ((): void => undefined);
  const connection = new FramedConnection(channel, limits);
  let service: Service | undefined;
  let peerWindow = limits.windowBytes;
  const calls = new Map<number, AbortController>();
  const incoming = new Map<number, IncomingStream>();
  const outgoing = new Map<number, OutgoingStream>();

  return new Promise((resolve) => {
    connection.start({
      closed(error) {
        for (const controller of calls.values()) controller.abort();
        for (const stream of incoming.values()) stream.fail(new EndpointError('the client went away during a receive', { kind: 'connection-lost' }));
        for (const stream of outgoing.values()) stream.stop();
        if (error !== undefined) log('warn', `connection closed: ${error.message}`);
        resolve(error);
      },
      data(id, bytes) {
        // Data of a receive that was refused or has ended is dropped: the client may have sent it
        // before it read the answer, and dropping it holds nothing.
        incoming.get(id)?.deliver(bytes);
      },
      message(raw) {
        if (service === undefined) {
          hello(raw);
          return;
        }
        const parsed = clientMessageSchema.safeParse(raw);
        if (!parsed.success) {
          const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'number' && Number.isInteger(raw.id) && raw.id > 0 ? raw.id : undefined;
          if (id !== undefined) answerError(id, refusal(`malformed message: ${describeIssues(parsed.error)}`));
          else connection.fail(`malformed message: ${describeIssues(parsed.error)}`);
          return;
        }
        const message = parsed.data;
        switch (message.t) {
          case 'call':
            call(message.id, message.method, message.params);
            return;
          case 'cancel':
            calls.get(message.id)?.abort();
            return;
          case 'credit':
            outgoing.get(message.id)?.addCredit(message.bytes);
            return;
          case 'end':
            incoming.get(message.id)?.finish();
            return;
          case 'stream-error':
            incoming.get(message.id)?.fail(decodeError(message.error, 'the client'));
            return;
          case 'fatal':
            connection.close(new Error(`the client gave up: ${printableLine(message.message)}`));
            return;
        }
      },
    });
  });

  function hello(raw: unknown): void {
    const parsed = helloSchema.safeParse(raw);
    if (!parsed.success) {
      connection.fail(`expected a hello message first (${describeIssues(parsed.error)})`);
      return;
    }
    const h = parsed.data;
    if (h.protocol !== PROTOCOL_NAME || h.version !== PROTOCOL_VERSION) {
      refuse(`this server speaks ${PROTOCOL_NAME} protocol version ${PROTOCOL_VERSION}, the client ${printableLine(h.protocol)} version ${h.version}: run the same xrepl release on both machines`);
      return;
    }
    const chosen = options.resolve(h.role);
    if (typeof chosen === 'string') {
      refuse(chosen);
      return;
    }
    service = chosen;
    peerWindow = h.windowBytes;
    log('info', `serving ${h.role} job ${chosen.job} to client ${chosen.client}`);
    connection.send({ t: 'welcome', protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, job: chosen.job, client: chosen.client, windowBytes: limits.windowBytes, methods: chosen.methods });
  }

  function refuse(message: string): void {
    log('warn', `refused: ${message}`);
    connection.send({ t: 'refused', message });
    connection.close();
  }

  function answerError(id: number, error: unknown): void {
    connection.send({ t: 'error', id, error: encodeError(error) });
  }

  function call(id: number, method: string, rawParams: unknown): void {
    const current = service;
    if (current === undefined) return;
    if (calls.has(id)) {
      answerError(id, refusal(`call id ${id} is already in flight`));
      return;
    }
    if (!(METHODS as readonly string[]).includes(method)) {
      answerError(id, new EndpointError(`unknown method ${JSON.stringify(printableLine(method))}`, { kind: 'unsupported' }));
      return;
    }
    const known = method as Method;
    if (!current.methods.includes(known)) {
      log('warn', `refused ${known} from client ${current.client}: not served by job ${current.job}`);
      answerError(id, refusal(`${known} is not served by job ${current.job}`));
      return;
    }
    if (calls.size >= maxCalls) {
      answerError(id, refusal(`more than ${maxCalls} calls in flight`));
      return;
    }
    const parsed = PARAM_SCHEMAS[known].safeParse(rawParams ?? {});
    if (!parsed.success) {
      answerError(id, refusal(`${known}: invalid params: ${describeIssues(parsed.error)}`));
      return;
    }
    const controller = new AbortController();
    calls.set(id, controller);
    void run(id, known, parsed.data, current.endpoint, controller).then(
      (settled) => {
        if (settled.ok === 'answered') return;
        if (settled.ok) connection.send({ t: 'result', id, value: settled.value });
        else answerError(id, settled.error);
      },
    );
  }

  type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | { ok: 'answered' };

  async function run(id: number, method: Method, params: unknown, endpoint: Endpoint, controller: AbortController): Promise<Settled> {
    let keepController = false;
    try {
      if (method === 'send') {
        const p = params as ParamsOut<'send'>;
        const source = await endpoint.send(sendRequest(p), controller.signal);
        keepController = true;
        const stream = new OutgoingStream(connection, id, peerWindow);
        outgoing.set(id, stream);
        // The result goes out first; the bytes follow it under the same id.
        connection.send({ t: 'result', id, value: null });
        {
          controller.signal.addEventListener('abort', () => {
            stream.stop();
            source.destroy();
          }, { once: true });
          stream.pump(source).then(
            (complete) => {
              if (complete) connection.send({ t: 'end', id });
            },
            (error: unknown) => {
              connection.send({ t: 'stream-error', id, error: encodeError(controller.signal.aborted ? new EndpointError('send aborted', { kind: 'aborted' }) : error) });
            },
          ).finally(() => {
            outgoing.delete(id);
            calls.delete(id);
          });
        }
        return { ok: 'answered' };
      }
      if (method === 'receive') {
        const p = params as ParamsOut<'receive'>;
        const stream = new IncomingStream((bytes) => connection.send({ t: 'credit', id, bytes }), limits.windowBytes, (why) => connection.fail(why));
        incoming.set(id, stream);
        try {
          await endpoint.receive({ filesystem: p.filesystem, from: p.from === undefined ? undefined : decodeVersion(p.from), to: decodeVersion(p.to), stream }, controller.signal);
        } finally {
          incoming.delete(id);
          if (!stream.destroyed) stream.destroy();
        }
        return { ok: true, value: null };
      }
      return { ok: true, value: await plainCall(method, params, endpoint, controller.signal) };
    } catch (error) {
      return { ok: false, error: controller.signal.aborted && !(error instanceof EndpointError && error.kind === 'aborted') ? new EndpointError(`${method} aborted`, { kind: 'aborted', cause: error }) : error };
    } finally {
      if (!keepController) calls.delete(id);
    }
  }
}

function refusal(message: string): EndpointError {
  return new EndpointError(`request refused: ${message}`, { kind: 'not-allowed' });
}

function sendRequest(p: ParamsOut<'send'>): Parameters<Endpoint['send']>[0] {
  return {
    filesystem: p.filesystem,
    from: p.from === undefined ? undefined : decodeVersion(p.from),
    to: decodeVersion(p.to),
    ...(p.resumeToken === undefined ? {} : { resumeToken: p.resumeToken }),
  };
}

// Every call without a byte stream: decoded params in, the wire form of the result out.
async function plainCall(method: Exclude<Method, 'send' | 'receive'>, params: unknown, endpoint: Endpoint, signal: AbortSignal): Promise<unknown> {
  switch (method) {
    case 'capabilities':
      return (await endpoint.capabilities(signal)) satisfies ResultIn<'capabilities'>;
    case 'listFilesystems':
      return (await endpoint.listFilesystems(signal)).map(encodeFilesystemInfo);
    case 'listVersions': {
      const p = params as ParamsOut<'listVersions'>;
      return encodeMap(await endpoint.listVersions(p.filesystems, signal), (vs) => vs.map(encodeListedVersion));
    }
    case 'listAll': {
      const p = params as ParamsOut<'listAll'>;
      return encodeListing(endpoint.listAll !== undefined ? await endpoint.listAll(p.jobId, signal) : await listSeparately(endpoint, p.jobId, signal));
    }
    case 'estimateSendSize': {
      const size = await endpoint.estimateSendSize(sendRequest(params as ParamsOut<'estimateSendSize'>), signal);
      return size ?? null;
    }
    case 'listForeignCursors': {
      const p = params as ParamsOut<'listForeignCursors'>;
      // An endpoint without the call holds no other job's cursors (the Endpoint contract's reading).
      const map = endpoint.listForeignCursors !== undefined ? await endpoint.listForeignCursors(p.jobId, signal) : new Map();
      return encodeMap(map, (cs) => cs.map(encodeForeignCursor));
    }
    case 'listReplicationCursors': {
      const p = params as ParamsOut<'listReplicationCursors'>;
      return encodeMap(await endpoint.listReplicationCursors(p.jobId, signal), encodeVersion);
    }
    case 'setReplicationCursor': {
      const p = params as ParamsOut<'setReplicationCursor'>;
      await endpoint.setReplicationCursor(p.filesystem, decodeVersion(p.version), p.jobId, signal, p.previous === undefined ? undefined : decodeVersion(p.previous));
      return null;
    }
    case 'hold': {
      const p = params as ParamsOut<'hold'>;
      await endpoint.hold(p.filesystem, p.snapshot, p.tag, signal);
      return null;
    }
    case 'release': {
      const p = params as ParamsOut<'release'>;
      await endpoint.release(p.filesystem, p.snapshot, p.tag, signal);
      return null;
    }
    case 'destroySnapshots': {
      const p = params as ParamsOut<'destroySnapshots'>;
      const results = await endpoint.destroySnapshots(p.filesystem, p.snapshots, signal);
      return results.map((r) => (r.error === undefined ? { name: r.name } : { name: r.name, error: encodeError(r.error) }));
    }
    case 'createSnapshots': {
      const p = params as ParamsOut<'createSnapshots'>;
      await endpoint.createSnapshots(p.filesystems, p.snapshot, signal);
      return null;
    }
    case 'describeResumeToken': {
      const p = params as ParamsOut<'describeResumeToken'>;
      if (endpoint.describeResumeToken === undefined) throw new EndpointError('this server cannot read resume tokens', { kind: 'unsupported' });
      return encodeResumeTokenTarget(await endpoint.describeResumeToken(p.token, signal));
    }
    case 'abortPartialReceive': {
      const p = params as ParamsOut<'abortPartialReceive'>;
      // An endpoint without it keeps no partial receives, so there is nothing to discard.
      if (endpoint.abortPartialReceive !== undefined) await endpoint.abortPartialReceive(p.filesystem, signal);
      return null;
    }
  }
}

// listAll for an endpoint without it, built as the Endpoint interface defines its answer.
async function listSeparately(endpoint: Endpoint, jobId: string, signal: AbortSignal): Promise<EndpointListing> {
  const filesystems = await endpoint.listFilesystems(signal);
  const paths = filesystems.filter((f) => !f.placeholder).map((f) => f.path);
  const versions = paths.length > 0 ? await endpoint.listVersions(paths, signal) : new Map();
  return { filesystems, versions, cursors: await endpoint.listReplicationCursors(jobId, signal) };
}
