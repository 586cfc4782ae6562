import type { CommandContext } from '../cli/command-context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli/exit-codes.js';
import type { ControlResponse, DaemonJobReport } from '../control/control-protocol.js';
import { ConfigError } from '../domain/errors.js';
import { statusRows, type StatusRow } from './status-rows.js';

/** Options of `xrepl status`, as parsed. */
export interface StatusCommandOptions {
  job?: string | undefined;
  json: boolean;
  socket?: string | undefined;
  config?: string | undefined;
  /** Refresh period of the live view, ms. */
  intervalMs?: number | undefined;
  /** `--web [host:port]`: serve the browser live view through the control socket instead. */
  web?: string | boolean | undefined;
}

/**
 * Finds the control socket: `--socket`, else the configuration's `global.control.socket_path`,
 * else the default path.
 */
export async function resolveSocketPath(options: { socket?: string | undefined; config?: string | undefined }): Promise<string> {
  if (options.socket !== undefined) return options.socket;
  if (options.config !== undefined) {
    const { loadConfigFile } = await import('../config/parse-config.js');
    const config = await loadConfigFile(options.config);
    if (config.global.control) return config.global.control.socketPath;
  }
  const { defaultControlSocketPath } = await import('../control/default-socket-path.js');
  return defaultControlSocketPath();
}

/** `xrepl status`: prints the daemon's job reports once (`--json`, or not a terminal) or live. */
export async function runStatusCommand(options: StatusCommandOptions, context: CommandContext): Promise<number> {
  let path: string;
  try {
    path = await resolveSocketPath(options);
  } catch (error) {
    context.stderr.write(`xrepl status: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILED;
  }
  if (options.web !== undefined && options.web !== false) {
    const { runStatusWebCommand } = await import('../live-view/status-web-command.js');
    return runStatusWebCommand(path, options.web, context);
  }
  const { connectControlSocket } = await import('../control/control-client.js');
  const request = options.job === undefined ? { op: 'status' as const } : { op: 'status' as const, job: options.job };
  const reports = (response: ControlResponse): DaemonJobReport[] => {
    if (!response.ok) throw new Error(response.error);
    if (!('jobs' in response)) throw new Error('the daemon answered status without jobs');
    return response.jobs;
  };
  try {
    const connection = await connectControlSocket(path);
    try {
      if (options.json || context.stdout.isTTY !== true) {
        const jobs = reports(await connection.request(request));
        context.stdout.write(options.json ? `${JSON.stringify(jobs, null, 2)}\n` : `${statusRows(jobs).map(plainRow).join('\n')}\n`);
        return EXIT_OK;
      }
      await liveView(() => connection.request(request).then(reports), context, options.intervalMs ?? 1000);
      return EXIT_OK;
    } finally {
      connection.close();
    }
  } catch (error) {
    context.stderr.write(`xrepl status: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}

function plainRow(row: StatusRow): string {
  if (row.kind === 'job') return row.text;
  const expected = row.expectedBytes === undefined ? '' : ` of ${row.expectedBytes}`;
  return `${row.text} ${row.bytes}${expected} bytes`;
}

// Redraws the rows in place with cli-progress until SIGINT, the daemon going away, or an error.
async function liveView(fetch: () => Promise<DaemonJobReport[]>, context: CommandContext, intervalMs: number): Promise<void> {
  const { default: cliProgress } = await import('cli-progress');
  const multibar = new cliProgress.MultiBar(
    { stream: context.stdout, clearOnComplete: false, hideCursor: true, format: '{text} |{bar}| {value}/{total} bytes', autopadding: true },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, ReturnType<typeof multibar.create>>();
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once('SIGINT', onSigint);
  try {
    while (!stop) {
      const rows = statusRows(await fetch());
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.key);
        const total = row.kind === 'filesystem' ? Math.max(row.expectedBytes ?? row.bytes, row.bytes, 1) : 1;
        const value = row.kind === 'filesystem' ? row.bytes : 0;
        const existing = bars.get(row.key);
        if (existing) {
          existing.setTotal(total);
          existing.update(value, { text: row.text });
        } else {
          const format = row.kind === 'job' ? '{text}' : undefined;
          bars.set(row.key, multibar.create(total, value, { text: row.text }, format ? { format } : {}));
        }
      }
      for (const [key, bar] of bars) {
        if (!seen.has(key)) {
          multibar.remove(bar);
          bars.delete(key);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    process.off('SIGINT', onSigint);
    multibar.stop();
  }
}
