import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { fromEventObservable } from 'xstate';
import type { TransferInput, TransferProgressEvent } from '../../machines/filesystem.js';
import type { EndpointPair } from './endpoint-pair.js';
import { observableTask } from './observable-task.js';
import { EndpointError } from '../domain/errors.js';

/** Bytes buffered between the two sides of a transfer. */
export const STREAM_BUFFER_BYTES = 2 ** 20;

/** Default minimum time between byte-count reports, in ms. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;

/**
 * `transfer`: streams one step from the sender into the receiver through a byte counter, reporting
 * the count at most once per `intervalMs` and once at the end. Continues from the receiver's resume
 * token where the receiver has one. Aborting kills both sides.
 *
 * Planning already carries the token a receiver had when it was listed; a token can only appear
 * after that through a transfer that failed since. So the receiver is listed again only for a
 * step whose last transfer failed (`interrupted`): listing every filesystem before each transfer made
 * a run over n filesystems cost n listings of n (10,000 filesystems: minutes instead of seconds).
 */
export function transferActor(endpoints: EndpointPair, now: () => number, intervalMs = DEFAULT_PROGRESS_INTERVAL_MS) {
  // Whether this step's last transfer failed is the step's own data (`interrupted`), kept by the
  // machines, not state hidden in this factory.
  return fromEventObservable<TransferProgressEvent, TransferInput>(({ input }) =>
    observableTask<TransferProgressEvent>((emit, signal) => transferStep(endpoints, input, input.step.interrupted === true, emit, signal, now, intervalMs)),
  );
}

/**
 * Failures of a resumed transfer that say the token leads nowhere this step can go: its snapshot
 * or base is gone or re-created, the sender refused it (not served, another step), the sender
 * cannot resume, or the stream it made is not the planned one. Clearing the partial receive and
 * sending afresh fixes each; retrying the token would fail the same way on every attempt.
 */
const staleResumeKinds: ReadonlySet<string> = new Set([
  'resume-token-stale',
  'not-allowed',
  'dataset-not-found',
  'unexpected-output',
  'partial-receive-state',
  'unsupported',
]);

function kindOf(error: unknown): string | undefined {
  return error instanceof EndpointError ? error.kind : undefined;
}

async function transferStep(
  endpoints: EndpointPair,
  input: TransferInput,
  mayHavePartial: boolean,
  emit: (event: TransferProgressEvent) => void,
  signal: AbortSignal,
  now: () => number,
  intervalMs: number,
): Promise<void> {
  const { receiver } = endpoints;
  const { path, step } = input;
  let resumeToken = step.resumeToken;
  let discard = step.discardPartial === true;
  if (resumeToken === undefined && !discard && mayHavePartial && (await receiver.capabilities(signal)).resumableReceive) {
    const info = (await receiver.listFilesystems(signal)).find((f) => f.path === path);
    // A partial stream to another snapshot cannot continue this step (see planFilesystems).
    const leadsHere = info?.resumeTokenGuid === step.to.guid && (info.resumeTokenFromGuid ?? 0n) === (step.from?.guid ?? 0n);
    if (info?.resumeToken !== undefined && (info.resumeTokenGuid === undefined || leadsHere)) resumeToken = info.resumeToken;
    else if (info?.resumeToken !== undefined) discard = true;
  }
  const abortPartial = receiver.abortPartialReceive?.bind(receiver);
  if (discard && abortPartial !== undefined) {
    await abortPartial(path, signal);
    resumeToken = undefined;
  }
  try {
    await sendAndReceive(endpoints, input, resumeToken, emit, signal, now, intervalMs);
  } catch (error) {
    // A stale token is cleared and replaced by a fresh send in this same attempt, so it never
    // blocks the filesystem; a fresh receive refused because of a partial state left there (one
    // planning did not see) is cleared alike. Anything else (a lost connection) keeps the token.
    if (signal.aborted || abortPartial === undefined) throw error;
    const kind = kindOf(error);
    const stale = resumeToken !== undefined ? kind !== undefined && staleResumeKinds.has(kind) : kind === 'partial-receive-state';
    if (!stale) throw error;
    await abortPartial(path, signal);
    await sendAndReceive(endpoints, input, undefined, emit, signal, now, intervalMs);
  }
}

async function sendAndReceive(
  endpoints: EndpointPair,
  input: TransferInput,
  resumeToken: string | undefined,
  emit: (event: TransferProgressEvent) => void,
  signal: AbortSignal,
  now: () => number,
  intervalMs: number,
): Promise<void> {
  const { sender, receiver } = endpoints;
  const { path, step } = input;
  // Reported with every count, so the step keeps that it resumed once its token is spent.
  const resumed = resumeToken !== undefined;
  let bytes = 0;
  let reportedAt = now();
  let sendError: unknown;
  const counter = new Transform({
    // Large buffers between zfs send and zfs recv: with the default 16 KiB, every 64 KiB read
    // paused and resumed the pipe, which cost more CPU than the copy (BENCHMARKS.md, data path).
    highWaterMark: STREAM_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      const t = now();
      if (t - reportedAt >= intervalMs) {
        reportedAt = t;
        emit({ type: 'transfer.progress', bytes, resumed });
      }
      callback(null, chunk);
    },
  });
  // The receive call reports a broken stream; this only keeps the error of a stream the
  // receiver never read (it failed or was aborted first) from crashing the process.
  counter.on('error', () => undefined);
  // The receive starts while the sender starts and checks what it sends, as the two sides of a
  // shell pipe do: waiting for the send first put a whole process start between them on every step.
  let finished = false;
  let source: Readable | undefined;
  const failSend = (error: unknown): void => {
    sendError ??= error;
    counter.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  void sender.send({ filesystem: path, from: step.from, to: step.to, resumeToken }, signal).then((stream) => {
    source = stream;
    if (finished) {
      stream.destroy();
      return;
    }
    stream.on('error', failSend);
    stream.pipe(counter);
  }, failSend);
  try {
    await receiver.receive({ filesystem: path, from: step.from, to: step.to, stream: counter }, signal);
  } catch (error) {
    // The sender's failure explains a broken stream better than the receiver's.
    throw sendError ?? error;
  } finally {
    finished = true;
    source?.destroy();
  }
  emit({ type: 'transfer.progress', bytes, resumed });
}
