import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { EndpointError } from '../domain/errors.js';
import { observeZfsCommand } from '../metrics/zfs-command-hook.js';
import { reportFinishedCommand } from './command-log-hook.js';
import type { SpawnCommand, Transport } from '../transport/transport.js';
import { classifyFailure, zfsNotFoundHint } from './classify-failure.js';

/**
 * The only place in xrepl that spawns `zfs` (directly or through ssh). Arguments go to the process
 * as an array, never through a local shell. Each process starts in its own process group so that an
 * abort kills it and anything it started (ssh's helpers) and leaves nothing behind.
 *
 * A call never outlives its process: once zfs has exited (or been killed), nothing waits for its
 * output pipes to close, because a grandchild that escaped the group (a daemonized helper) can
 * hold them open for ever. Output is read as it arrives and capped, so a hostile or runaway zfs
 * costs an error, never the process's memory.
 */

/** Options of one zfs call. */
export interface ZfsCallOptions {
  signal: AbortSignal;
  /** The dataset the call is about, for error messages. */
  dataset?: string | undefined;
  /** Most stdout bytes the call reads before it kills zfs and fails with `output-too-large`. */
  maxOutputBytes?: number | undefined;
}

/** What a finished zfs call printed. */
export interface ZfsOutput {
  stdout: string;
  stderr: string;
}

/** The outcome of a zfs call whose failure the caller wants to inspect rather than throw. */
export type ZfsAttempt = ({ ok: true } & ZfsOutput) | ({ ok: false; error: EndpointError; exitCode: number | undefined } & ZfsOutput);

/** How long a process group gets after SIGTERM before SIGKILL. */
export const FORCE_KILL_DELAY_MS = 3000;

/**
 * After zfs has exited, how long its output pipes may stay silent before xrepl stops reading them
 * (what zfs wrote is read by then; only a leftover grandchild keeps a pipe open longer).
 */
export const PIPE_DRAIN_MS = 1000;

/** Default cap on the stdout of one call that is not a listing. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Cap on a listing's output, parsed line by line as it arrives: about two million rows, or half a
 * million snapshots with their four version properties. A larger answer is an error naming the cap.
 */
export const MAX_LISTING_BYTES = 256 * 1024 * 1024;

/** How much of stderr is kept; zfs's messages are a few lines, the rest is noise. */
export const MAX_STDERR_BYTES = 64 * 1024;

function abortedError(command: readonly string[], dataset: string | undefined): EndpointError {
  return new EndpointError(`aborted: ${command[0] ?? 'zfs'} was not started`, { kind: 'aborted', command, dataset });
}

/** Sends a signal to the whole process group of a subprocess started with `detached: true`. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
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

/** How a process ended, as far as the runner could tell. */
interface ProcessEnd {
  exitCode: number | undefined;
  signal: string | undefined;
  /** Set when the program could not be started (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException | undefined;
  stderr: string;
}

/** Why the runner itself stopped a process, when it did. */
type StopReason = { by: 'abort' } | { by: 'error'; error: EndpointError };

/** A started zfs (or ssh) process. */
interface Launched {
  child: ChildProcess;
  command: string[];
  /** Resolves once the process has ended, without waiting for pipes a leftover grandchild holds. */
  ended: Promise<ProcessEnd>;
  /** Kills the process group (SIGTERM, SIGKILL after the grace time) for the reason given. */
  stop(reason: StopReason): void;
  /** Why the runner stopped it, if it did. */
  stopped(): StopReason | undefined;
}

/**
 * Spawns the command in its own process group with stderr collected (capped), and ends it when the
 * signal fires. `ended` resolves:
 * - on 'close' when zfs exits and its pipes end as they normally do;
 * - right after 'exit' when the runner killed it (nothing waits on a killed child's pipes);
 * - PIPE_DRAIN_MS after 'exit' when the pipes stay open and silent (a grandchild holds them);
 *   `stdoutHeld` tells when silence is the reader's backpressure, not a stuck pipe;
 * - FORCE_KILL_DELAY_MS after SIGKILL when even that did not end it (a process stuck in the kernel
 *   on a suspended pool), abandoning it so that the run goes on.
 */
function launch(spawnCommand: SpawnCommand, stdin: 'ignore' | 'pipe', signal: AbortSignal, stdoutHeld: () => boolean): Launched {
  const command = [spawnCommand.file, ...spawnCommand.args];
  const startedAt = performance.now();
  const child = spawn(spawnCommand.file, spawnCommand.args, {
    detached: true,
    stdio: [stdin, 'pipe', 'pipe'],
    env: spawnCommand.env === undefined ? process.env : { ...process.env, ...spawnCommand.env },
  });
  const pid = child.pid;
  let stderr = '';
  let stderrBytes = 0;
  const stderrDecoder = new StringDecoder('utf8');
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderrBytes < MAX_STDERR_BYTES) stderr += stderrDecoder.write(chunk.subarray(0, MAX_STDERR_BYTES - stderrBytes));
    stderrBytes += chunk.length;
    onOutput();
  });
  child.stdout?.on('data', () => onOutput());
  let stopReason: StopReason | undefined;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let settle: (end: ProcessEnd) => void = () => undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };
  let drainTimer: NodeJS.Timeout | undefined;
  const releasePipes = (): void => {
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.stdin?.destroy();
  };
  const endNow = (overrides: Partial<ProcessEnd> = {}): void => {
    releasePipes();
    settle({ exitCode: exited?.code ?? undefined, signal: exited?.signal ?? undefined, stderr: stderr + stderrDecoder.end(), ...overrides });
  };
  const armDrain = (): void => {
    if (drainTimer !== undefined) clearTimeout(drainTimer);
    drainTimer = later(PIPE_DRAIN_MS, () => {
      drainTimer = undefined;
      // A slow reader keeps zfs's last bytes in the pipe: that is no stuck pipe.
      if (stdoutHeld()) {
        armDrain();
        return;
      }
      // What is left of the group holds the pipes: end it too.
      killGroup(pid, 'SIGKILL');
      endNow();
    });
  };
  function onOutput(): void {
    if (exited !== undefined && drainTimer !== undefined) armDrain();
  }
  const stop = (reason: StopReason): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    if (exited !== undefined) {
      killGroup(pid, 'SIGKILL');
      endNow();
      return;
    }
    killGroup(pid, 'SIGTERM');
    later(FORCE_KILL_DELAY_MS, () => {
      killGroup(pid, 'SIGKILL');
      // SIGKILL ends any process but one stuck in the kernel: give it one more grace, then go on without it.
      later(FORCE_KILL_DELAY_MS, () => {
        child.unref();
        endNow({ signal: 'SIGKILL' });
      });
    });
  };
  const onAbort = (): void => stop({ by: 'abort' });
  const ended = new Promise<ProcessEnd>((resolve) => {
    settle = (end) => {
      settle = () => undefined;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      signal.removeEventListener('abort', onAbort);
      reportFinishedCommand({
        command,
        seconds: (performance.now() - startedAt) / 1000,
        exitCode: end.exitCode,
        signal: end.signal,
        spawnError: end.spawnError?.code ?? end.spawnError?.message,
      });
      resolve(end);
    };
  });
  child.once('error', (err: NodeJS.ErrnoException) => {
    // Only a process that never started has no pid; other errors (a failed kill) change nothing.
    if (child.pid === undefined) endNow({ spawnError: err });
  });
  child.once('exit', (code, sig) => {
    exited = { code, signal: sig };
    // The group may hold helpers that outlive zfs; a stopped call does not wait for them.
    if (stopReason !== undefined) {
      killGroup(pid, 'SIGKILL');
      endNow();
      return;
    }
    armDrain();
  });
  child.once('close', (code: number | null, sig: NodeJS.Signals | null) => {
    exited ??= { code, signal: sig };
    endNow();
  });
  if (signal.aborted) stop({ by: 'abort' });
  else signal.addEventListener('abort', onAbort, { once: true });
  return { child, command, ended, stop, stopped: () => stopReason };
}

/** The EndpointError for a process that failed, or undefined when it succeeded. */
function failureOf(end: ProcessEnd, launched: Launched, transport: Transport, args: readonly string[], dataset: string | undefined): EndpointError | undefined {
  const { command } = launched;
  const stopped = launched.stopped();
  if (stopped?.by === 'error') return stopped.error;
  const program = command[0] ?? 'zfs';
  if (end.spawnError !== undefined) {
    // The program could not be started at all: locally, zfs is missing (ENOENT) or not executable.
    const code = end.spawnError.code ?? 'spawn failed';
    const missing = code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR';
    const hint = transport.remote ? `ssh cannot run: ${code}` : zfsNotFoundHint(false);
    return new EndpointError(missing && !transport.remote ? `cannot run ${program}: ${code} (${hint})` : `cannot run ${program}: ${code}`, {
      kind: missing && !transport.remote ? 'zfs-not-found' : 'unsupported',
      ...(missing && !transport.remote ? { hint } : {}),
      command,
      stderr: end.stderr,
      dataset,
      cause: end.spawnError,
    });
  }
  if (stopped === undefined && end.exitCode === 0 && end.signal === undefined) return undefined;
  return classifyFailure({
    command,
    exitCode: end.exitCode,
    signal: end.signal,
    stderr: end.stderr,
    aborted: stopped?.by === 'abort',
    remote: transport.remote,
    dataset,
    zfsArgs: args,
  });
}

function tooLarge(command: readonly string[], limit: number, dataset: string | undefined): EndpointError {
  return new EndpointError(`\`${command[0] ?? 'zfs'} ${command.slice(1, 3).join(' ')} ...\` printed more than ${limit} bytes; xrepl stopped reading`, {
    kind: 'output-too-large',
    command,
    dataset,
    hint: 'list fewer datasets at once (narrower filesystems or root_fs), or prune old snapshots',
  });
}

/** Runs zfs with the arguments and returns its output, or the classified failure. */
export async function attemptZfs(transport: Transport, args: readonly string[], options: ZfsCallOptions): Promise<ZfsAttempt> {
  const limit = options.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  const chunks: Buffer[] = [];
  let bytes = 0;
  const attempt = await attemptZfsChunks(transport, args, options, (chunk, stop) => {
    bytes += chunk.length;
    if (bytes > limit) stop(tooLarge([transport.zfsCommand(args).file, ...args], limit, options.dataset));
    else chunks.push(chunk);
  });
  const stdout = Buffer.concat(chunks).toString('utf8');
  return attempt.ok ? { ...attempt, stdout } : { ...attempt, stdout };
}

/**
 * Runs zfs and hands each line of its stdout to `onLine` as it arrives, so that a listing is parsed
 * while it streams and never held whole. A line handler that throws (output xrepl cannot parse)
 * stops zfs and fails the call with that error; more than `maxOutputBytes` (the listing cap by
 * default) fails it with `output-too-large`.
 */
export async function attemptZfsLines(
  transport: Transport,
  args: readonly string[],
  options: ZfsCallOptions,
  onLine: (line: string) => void,
): Promise<ZfsAttempt> {
  const limit = options.maxOutputBytes ?? MAX_LISTING_BYTES;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let bytes = 0;
  let failed = false;
  const feed = (text: string, stop: (error: EndpointError) => void): void => {
    pending += text;
    let newline: number;
    while (!failed && (newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      try {
        onLine(line);
      } catch (err) {
        failed = true;
        stop(err instanceof EndpointError ? err : new EndpointError(`cannot read the output of zfs ${args[0] ?? ''}: ${err instanceof Error ? err.message : String(err)}`, { kind: 'unexpected-output', cause: err }));
      }
    }
  };
  const attempt = await attemptZfsChunks(transport, args, options, (chunk, stop) => {
    if (failed) return;
    bytes += chunk.length;
    if (bytes > limit) {
      failed = true;
      stop(tooLarge([transport.zfsCommand(args).file, ...args], limit, options.dataset));
      return;
    }
    feed(decoder.write(chunk), stop);
  });
  if (attempt.ok && !failed) {
    // The last line may lack its newline.
    const rest = pending + decoder.end();
    if (rest.length > 0) {
      try {
        onLine(rest);
      } catch (err) {
        if (err instanceof EndpointError) return { ok: false, error: err, exitCode: 0, stdout: '', stderr: attempt.stderr };
        throw err;
      }
    }
  }
  return attempt;
}

/** The common part of {@link attemptZfs} and {@link attemptZfsLines}: stdout goes to `onChunk`. */
async function attemptZfsChunks(
  transport: Transport,
  args: readonly string[],
  options: ZfsCallOptions,
  onChunk: (chunk: Buffer, stop: (error: EndpointError) => void) => void,
): Promise<ZfsAttempt> {
  const spawnCommand = transport.zfsCommand(args);
  const command = [spawnCommand.file, ...spawnCommand.args];
  if (options.signal.aborted) throw abortedError(command, options.dataset);
  const ended = timeCommand(args);
  const launched = launch(spawnCommand, 'ignore', options.signal, () => false);
  const stop = (error: EndpointError): void => launched.stop({ by: 'error', error });
  launched.child.stdout?.on('data', (chunk: Buffer) => onChunk(chunk, stop));
  const end = await launched.ended;
  ended();
  const error = failureOf(end, launched, transport, args, options.dataset);
  if (error === undefined) return { ok: true, stdout: '', stderr: end.stderr };
  return { ok: false, error, exitCode: end.exitCode, stdout: '', stderr: end.stderr };
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
  const spawnCommand = transport.zfsCommand(args);
  const command = [spawnCommand.file, ...spawnCommand.args];
  // A large buffer keeps zfs's pipe read while the consumer catches up: with 16 KiB every read
  // paused and resumed the pipe, costing more CPU than the copy (BENCHMARKS.md, data path).
  const out = new PassThrough({ highWaterMark: SEND_BUFFER_BYTES });
  // The stream's error reaches every reader that listens (a receive, a pipeline); one that does not
  // yet (a receive still looking at its target when the send is aborted) must not crash the
  // process with an unhandled 'error' event.
  out.on('error', () => undefined);
  if (options.signal.aborted) {
    out.destroy(abortedError(command, options.dataset));
    return out;
  }
  const ended = timeCommand(args);
  const launched = launch(spawnCommand, 'ignore', options.signal, () => out.writableNeedDrain);
  let settled = false;
  const onAbort = (): void => {
    if (!settled) out.destroy(new EndpointError('aborted: send stopped', { kind: 'aborted', command, dataset: options.dataset }));
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  // A reader that stops early (destroys the stream) must not leave zfs running.
  out.once('close', () => {
    if (!settled) launched.stop({ by: 'abort' });
  });
  const stdout = launched.child.stdout;
  stdout?.pipe(out, { end: false });
  void launched.ended.then((end) => {
    ended();
    settled = true;
    options.signal.removeEventListener('abort', onAbort);
    stdout?.unpipe(out);
    const error = failureOf(end, launched, transport, args, options.dataset);
    if (error !== undefined) out.destroy(error);
    else out.end();
  });
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
  const spawnCommand = transport.zfsCommand(args);
  const command = [spawnCommand.file, ...spawnCommand.args];
  if (options.signal.aborted) {
    input.destroy();
    throw abortedError(command, options.dataset);
  }
  const ended = timeCommand(args);
  const launched = launch(spawnCommand, 'pipe', options.signal, () => false);
  const limit = options.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  const chunks: Buffer[] = [];
  let bytes = 0;
  launched.child.stdout?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limit) launched.stop({ by: 'error', error: tooLarge(command, limit, options.dataset) });
    else chunks.push(chunk);
  });
  let inputError: unknown;
  const stdin = launched.child.stdin as Writable;
  const onInputError = (err: unknown): void => {
    inputError ??= err;
    // Killed before its stdin closes: zfs never sees the end of a stream that broke.
    launched.stop({ by: 'abort' });
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
  const end = await launched.ended;
  ended();
  input.removeListener('error', onInputError);
  input.removeListener('close', onInputClose);
  if (!input.readableEnded) {
    input.unpipe(stdin);
    input.destroy();
  }
  const output = { stdout: Buffer.concat(chunks).toString('utf8'), stderr: end.stderr };
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
  const error = failureOf(end, launched, transport, args, options.dataset);
  if (error !== undefined) throw error;
  return output;
}
