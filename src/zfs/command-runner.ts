import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { execa, type ResultPromise } from 'execa';
import { EndpointError } from '../domain/errors.js';
import { observeZfsCommand } from '../metrics/zfs-command-hook.js';
import type { Transport } from '../transport/transport.js';
import { classifyFailure } from './classify-failure.js';

/**
 * The only place in xrepl that spawns `zfs` (directly or through ssh). Arguments go to execa as an
 * array, never through a local shell. Each process starts in its own process group so that an
 * abort kills it and anything it started (ssh's helpers) and leaves nothing behind.
 */

/** Options of one zfs call. */
export interface ZfsCallOptions {
  signal: AbortSignal;
  /** The dataset the call is about, for error messages. */
  dataset?: string | undefined;
}

/** What a finished zfs call printed. */
export interface ZfsOutput {
  stdout: string;
  stderr: string;
}

/** The outcome of a zfs call whose failure the caller wants to inspect rather than throw. */
export type ZfsAttempt = ({ ok: true } & ZfsOutput) | ({ ok: false; error: EndpointError; exitCode: number | undefined } & ZfsOutput);

/** How long a process gets after SIGTERM before SIGKILL. */
export const FORCE_KILL_DELAY_MS = 3000;

/** Maximum buffered output of one listing call; a pool with millions of snapshots fits. */
export const MAX_LISTING_BYTES = 512 * 1024 * 1024;

function abortedError(command: readonly string[], dataset: string | undefined): EndpointError {
  return new EndpointError(`aborted: ${command[0] ?? 'zfs'} was not started`, { kind: 'aborted', command, dataset });
}

/** Sends a signal to the whole process group of a subprocess started with `detached: true`. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Kills the subprocess's group when the signal fires; returns the function that stops listening. */
function killGroupOnAbort(pid: number | undefined, signal: AbortSignal): () => void {
  const onAbort = (): void => killGroup(pid);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Starts timing one zfs process; the returned function records its duration under its subcommand when it ends. */
function timeCommand(args: readonly string[]): () => void {
  const started = performance.now();
  return () => {
    try {
      observeZfsCommand(args[0] ?? 'usage', (performance.now() - started) / 1000);
    } catch {
      // A failing metrics observer must not fail the zfs call it measures.
    }
  };
}

interface EndedProcess {
  exitCode?: number | undefined;
  signal?: string | undefined;
  isCanceled: boolean;
  failed: boolean;
  stderr: unknown;
  code?: string | undefined;
  originalMessage?: string | undefined;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return '';
}

/** The EndpointError for a process that failed, or undefined when it succeeded. */
function failureOf(
  result: EndedProcess,
  command: readonly string[],
  transport: Transport,
  dataset: string | undefined,
  aborted: boolean,
): EndpointError | undefined {
  if (!result.failed) return undefined;
  const stderr = text(result.stderr);
  if (result.exitCode === undefined && result.signal === undefined && !result.isCanceled && !aborted) {
    // The program could not be started at all (ENOENT, EACCES).
    return new EndpointError(`cannot run ${command[0] ?? 'zfs'}: ${result.originalMessage ?? result.code ?? 'spawn failed'}`, {
      kind: 'unsupported',
      command,
      stderr,
      dataset,
    });
  }
  return classifyFailure({
    command,
    exitCode: result.exitCode,
    signal: result.signal ?? undefined,
    stderr,
    aborted: aborted || result.isCanceled,
    remote: transport.remote,
    dataset,
  });
}

/** Runs zfs with the arguments and returns its output, or the classified failure. */
export async function attemptZfs(transport: Transport, args: readonly string[], options: ZfsCallOptions): Promise<ZfsAttempt> {
  const { file, args: argv } = transport.zfsCommand(args);
  const command = [file, ...argv];
  if (options.signal.aborted) throw abortedError(command, options.dataset);
  const ended = timeCommand(args);
  const sub = execa(file, argv, {
    cancelSignal: options.signal,
    forceKillAfterDelay: FORCE_KILL_DELAY_MS,
    detached: true,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: false,
    maxBuffer: MAX_LISTING_BYTES,
  });
  const stopListening = killGroupOnAbort(sub.pid, options.signal);
  const result = await sub.finally(stopListening);
  ended();
  const output = { stdout: text(result.stdout), stderr: text(result.stderr) };
  const error = failureOf(result, command, transport, options.dataset, options.signal.aborted);
  if (error === undefined) return { ok: true, ...output };
  return { ok: false, error, exitCode: result.exitCode, ...output };
}

/** Runs zfs with the arguments and returns its output; rejects with a classified EndpointError. */
export async function runZfs(transport: Transport, args: readonly string[], options: ZfsCallOptions): Promise<ZfsOutput> {
  const attempt = await attemptZfs(transport, args, options);
  if (!attempt.ok) throw attempt.error;
  return attempt;
}

/** Bytes a send stream buffers ahead of its reader. */
export const SEND_BUFFER_BYTES = 2 ** 20;

/**
 * Starts zfs and returns its stdout as a stream with backpressure (zfs blocks while the reader
 * is slow). The stream ends only after zfs exited successfully; when zfs fails, the stream is
 * destroyed with the classified EndpointError instead, so a reader never mistakes a failed send
 * for a complete one. Destroying the stream or aborting the signal kills the process group.
 */
export function streamZfsOutput(transport: Transport, args: readonly string[], options: ZfsCallOptions): Readable {
  const { file, args: argv } = transport.zfsCommand(args);
  const command = [file, ...argv];
  // A large buffer keeps zfs's pipe read while the consumer catches up: with 16 KiB every read
  // paused and resumed the pipe, costing more CPU than the copy (BENCHMARKS.md, data path).
  const out = new PassThrough({ highWaterMark: SEND_BUFFER_BYTES });
  if (options.signal.aborted) {
    out.destroy(abortedError(command, options.dataset));
    return out;
  }
  const ended = timeCommand(args);
  const sub = execa(file, argv, {
    cancelSignal: options.signal,
    forceKillAfterDelay: FORCE_KILL_DELAY_MS,
    detached: true,
    stdin: 'ignore',
    stdout: 'pipe',
    buffer: { stdout: false },
    encoding: 'buffer',
    reject: false,
  });
  let settled = false;
  const stopListening = killGroupOnAbort(sub.pid, options.signal);
  const onAbort = (): void => {
    if (!settled) out.destroy(new EndpointError('aborted: send stopped', { kind: 'aborted', command, dataset: options.dataset }));
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  // A reader that stops early (destroys the stream) must not leave zfs running.
  out.once('close', () => {
    if (!settled) killGroup(sub.pid);
  });
  const stdout = sub.stdout;
  stdout.pipe(out, { end: false });
  void (async () => {
    const [result] = await Promise.all([sub, finished(stdout).catch(() => undefined)]);
    ended();
    settled = true;
    stopListening();
    options.signal.removeEventListener('abort', onAbort);
    const error = failureOf(result, command, transport, options.dataset, options.signal.aborted);
    if (error !== undefined) out.destroy(error);
    else out.end();
  })();
  return out;
}

/**
 * Runs zfs with the given stream piped into its stdin (with backpressure) and waits for it. When
 * the input stream fails, zfs is killed before its stdin closes, so a receive never commits a
 * stream that broke; the input's own EndpointError (say, the sender's) is what rejects. When zfs
 * fails first, the input is destroyed so the sender stops too.
 */
export async function runZfsWithInput(
  transport: Transport,
  args: readonly string[],
  input: Readable,
  options: ZfsCallOptions,
): Promise<ZfsOutput> {
  const { file, args: argv } = transport.zfsCommand(args);
  const command = [file, ...argv];
  if (options.signal.aborted) {
    input.destroy();
    throw abortedError(command, options.dataset);
  }
  const ended = timeCommand(args);
  const sub: ResultPromise<{ stdin: 'pipe'; detached: true; reject: false }> = execa(file, argv, {
    cancelSignal: options.signal,
    forceKillAfterDelay: FORCE_KILL_DELAY_MS,
    detached: true,
    stdin: 'pipe',
    reject: false,
    stripFinalNewline: false,
  });
  const stopListening = killGroupOnAbort(sub.pid, options.signal);
  let inputError: unknown;
  const stdin = sub.stdin;
  const onInputError = (err: unknown): void => {
    inputError ??= err;
    killGroup(sub.pid);
    input.unpipe(stdin);
    stdin.destroy();
  };
  input.once('error', onInputError);
  // A stream destroyed without an error has also ended early.
  const onInputClose = (): void => {
    if (!input.readableEnded) onInputError(new EndpointError('the incoming stream closed before its end', { kind: 'stream-broken', command, dataset: options.dataset }));
  };
  input.once('close', onInputClose);
  if (input.destroyed || input.errored) onInputError(input.errored ?? new EndpointError('the incoming stream was already closed', { kind: 'stream-broken', command, dataset: options.dataset }));
  // EPIPE when zfs exits before reading everything: its own exit status tells why.
  stdin.on('error', () => undefined);
  input.pipe(stdin);
  const result = await sub.finally(stopListening);
  ended();
  input.removeListener('error', onInputError);
  input.removeListener('close', onInputClose);
  if (!input.readableEnded) {
    input.unpipe(stdin);
    input.destroy();
  }
  const output = { stdout: text(result.stdout), stderr: text(result.stderr) };
  if (options.signal.aborted) {
    throw new EndpointError('aborted: receive stopped', { kind: 'aborted', command, dataset: options.dataset, stderr: output.stderr });
  }
  if (inputError !== undefined) {
    if (inputError instanceof EndpointError) throw inputError;
    throw new EndpointError(`the incoming stream failed: ${inputError instanceof Error ? inputError.message : String(inputError)}`, {
      kind: 'stream-broken',
      command,
      dataset: options.dataset,
      stderr: output.stderr,
      cause: inputError,
    });
  }
  const error = failureOf(result, command, transport, options.dataset, false);
  if (error !== undefined) throw error;
  return output;
}
