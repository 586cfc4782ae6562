import { execa } from 'execa';
import { errorMessage } from '../domain/errors.js';

/**
 * Runs one hook program: no shell, no arguments, the given environment added to xrepl's, stdin
 * closed. The program gets its own process group so that a timeout or a stop ends everything it
 * started (a `sleep` in a shell script, a database client), not only the program itself.
 */

/** How a hook program ended. */
export interface CommandOutcome {
  ok: boolean;
  exitCode?: number | undefined;
  signal?: string | undefined;
  timedOut: boolean;
  /** Its stdout and stderr interleaved, at most {@link MAX_OUTPUT_CHARS} of the end. */
  output: string;
  /** Why it failed, in one line: exit code, signal, timeout, or why it could not start. */
  failure?: string | undefined;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  env: Record<string, string>;
  timeoutMs: number;
  /** Stops the program (and its group) when aborted. */
  signal?: AbortSignal | undefined;
  /** Time between SIGTERM to the group and SIGKILL to it. */
  killGraceMs?: number;
}

/** The output kept for a log line: the end, where the error usually is. */
export const MAX_OUTPUT_CHARS = 4096;

const DEFAULT_KILL_GRACE_MS = 2_000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Runs `path` and resolves with how it ended; never rejects. */
export async function runCommand(path: string, options: RunCommandOptions): Promise<CommandOutcome> {
  if (options.signal?.aborted) return { ok: false, timedOut: false, output: '', failure: `not run: ${errorMessage(options.signal.reason)}` };
  const child = execa(path, [], {
    env: options.env,
    extendEnv: true,
    stdin: 'ignore',
    all: true,
    detached: true,
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 1024 * 1024,
  });
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    killGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const result = await child;
    const output = typeof result.all === 'string' ? result.all.slice(-MAX_OUTPUT_CHARS) : '';
    if (timedOut) return { ok: false, timedOut, signal: result.signal, output, failure: `timed out after ${options.timeoutMs} ms` };
    if (result.failed) {
      const failure =
        result.exitCode !== undefined
          ? `exited with code ${result.exitCode}`
          : result.signal !== undefined
            ? `killed by ${result.signal}`
            : (result.cause instanceof Error ? result.cause.message : result.shortMessage);
      return { ok: false, timedOut, exitCode: result.exitCode, signal: result.signal, output, failure };
    }
    return { ok: true, timedOut, exitCode: result.exitCode, output };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    // After a timeout or stop, what the program left behind gets SIGKILL at once: it had its chance.
    if (killTimer !== undefined) {
      clearTimeout(killTimer);
      killGroup(child.pid, 'SIGKILL');
    }
  }
}
