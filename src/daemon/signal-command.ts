import type { CommandContext } from '../cli/command-context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli/exit-codes.js';
import { ConfigError } from '../domain/errors.js';
import { resolveSocketPath } from './status-command.js';

/** Options of `xrepl signal`, as parsed. */
export interface SignalCommandOptions {
  signal: 'wakeup' | 'reset';
  job: string;
  wait: boolean;
  json: boolean;
  socket?: string | undefined;
  config?: string | undefined;
}

/**
 * `xrepl signal wakeup|reset JOB`: with `--wait` (wakeup only), waits for the woken invocation to
 * end, prints its report and exits 0 when it succeeded, 1 otherwise.
 */
export async function runSignalCommand(options: SignalCommandOptions, context: CommandContext): Promise<number> {
  if (options.wait && options.signal !== 'wakeup') {
    context.stderr.write('xrepl signal: --wait applies only to wakeup\n');
    return EXIT_USAGE;
  }
  let path: string;
  try {
    path = await resolveSocketPath(options);
  } catch (error) {
    context.stderr.write(`xrepl signal: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILED;
  }
  const { sendControlRequest } = await import('../control/control-client.js');
  try {
    const response = await sendControlRequest(
      path,
      options.signal === 'wakeup' ? { op: 'wakeup', job: options.job, wait: options.wait } : { op: 'reset', job: options.job },
    );
    if (!response.ok) {
      context.stderr.write(`xrepl signal: ${response.error}\n`);
      return EXIT_FAILED;
    }
    const invocation = 'invocation' in response ? response.invocation : undefined;
    if (!options.wait || invocation === undefined) {
      context.stdout.write(options.json ? `${JSON.stringify({ ok: true })}\n` : `${options.signal} sent to job ${options.job}\n`);
      return EXIT_OK;
    }
    if (options.json) context.stdout.write(`${JSON.stringify(invocation, null, 2)}\n`);
    else {
      const problems = [invocation.replication?.problem, invocation.pruneSender?.problem, invocation.pruneReceiver?.problem]
        .filter((p) => p !== undefined)
        .map((p) => `  ${p.kind}: ${p.message}`);
      const failedFs = (invocation.replication?.filesystems ?? []).filter((fs) => fs.problem).map((fs) => `  ${fs.filesystem}: ${fs.problem?.message}`);
      const watchdog = (invocation.watchdog ?? []).map((w) => `  watchdog cancelled ${w.cancelled}: ${w.message}`);
      context.stdout.write(
        [`job ${options.job} invocation #${invocation.number}: ${invocation.ok ? 'ok' : 'failed'}${invocation.reset ? ' (reset)' : ''}`, ...problems, ...failedFs, ...watchdog].join('\n') + '\n',
      );
    }
    return invocation.ok ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    context.stderr.write(`xrepl signal: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
