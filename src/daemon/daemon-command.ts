import { packageVersion } from '../cli/package-version.js';
import type { CommandContext } from '../cli/command-context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli/exit-codes.js';
import { ConfigError } from '../domain/errors.js';
import { defaultControlSocketPath } from '../control/default-socket-path.js';
import type { JobInspector } from '../inspect/job-inspector.js';

/** Options of `xrepl daemon`, as parsed. */
export interface DaemonCommandOptions {
  config: string;
  /** Overrides `global.control.socket_path` and the default path. */
  socket?: string | undefined;
  /** The inspector relay's address (implies inspection). */
  inspectUrl?: string | undefined;
}

/**
 * `xrepl daemon`: runs every job until SIGINT or SIGTERM, then stops the jobs, closes and removes
 * the control socket, and exits 0. Resolves with the exit code.
 */
export async function runDaemonCommand(options: DaemonCommandOptions, context: CommandContext): Promise<number> {
  const { loadConfigFile } = await import('../config/parse-config.js');
  let config;
  try {
    config = await loadConfigFile(options.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      context.stderr.write(`xrepl daemon: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const { createLogger } = await import('../logging/create-logger.js');
  const logger = await createLogger({
    level: context.logLevel ?? config.global.logging.level,
    format: config.global.logging.format,
    destination: context.stderr,
  });
  let inspector: JobInspector | undefined;
  if (context.inspect || options.inspectUrl !== undefined) {
    const { createJobInspector } = await import('../inspect/job-inspector.js');
    inspector = await createJobInspector(options.inspectUrl);
  }
  const socketPath = options.socket ?? config.global.control?.socketPath ?? defaultControlSocketPath();
  const [{ daemonJobsFromConfig }, { startDaemon }] = await Promise.all([import('./daemon-jobs-from-config.js'), import('./daemon.js')]);

  let daemon;
  try {
    const jobs = await daemonJobsFromConfig(config, inspector ? { inspect: inspector.inspect } : {});
    const metrics = config.global.monitoring ? await (await import('../metrics/enable-metrics.js')).enableMetrics(config.global.monitoring, { version: packageVersion() }) : undefined;
    for (const spec of jobs) metrics?.follow(spec.job);
    const { followInvocations, logFinishedCommands } = await import('../logging/follow-invocations.js');
    for (const spec of jobs) followInvocations(spec.job, logger);
    logFinishedCommands(logger);
    const liveView = config.global.liveView;
    daemon = await startDaemon({ jobs, socketPath, logger, ...(inspector ? { inspect: inspector.inspect } : {}), ...(liveView ? { liveView } : {}) });
    const running = daemon;
    logger.info({ socket: socketPath, jobs: jobs.map((j) => j.job.name), ...(daemon.liveViewUrl ? { liveView: daemon.liveViewUrl } : {}) }, 'daemon started');
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        logger.info({ signal }, 'stopping');
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    await running.stop();
    await metrics?.close();
  } catch (error) {
    await daemon?.stop();
    await inspector?.stop(0);
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(`xrepl daemon: ${message}\n`);
    return error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILED;
  }
  logger.info({}, 'daemon stopped');
  if (inspector) {
    await inspector.stop();
    // @statelyai/inspect retries a failed connection on a timer that stop() does not cancel; end
    // the process here so that an unreachable inspector never keeps a stopped daemon alive.
    process.exit(EXIT_OK);
  }
  return EXIT_OK;
}
