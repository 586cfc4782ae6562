import { packageVersion } from '../package-version.js';
import type { Logger } from 'pino';
import { ConfigFileError } from '../../config/config-problem.js';
import type { JobConfig, XreplConfig } from '../../config/config-types.js';
import { type JobRuntimeOptions, createJobFromConfig } from '../../config/job-from-config.js';
import type { JobInspector } from '../../inspect/job-inspector.js';
import { createMemoryPoolsFromConfig } from '../../config/memory-pools-from-config.js';
import { loadConfigFile } from '../../config/parse-config.js';
import { errorMessage } from '../../domain/errors.js';
import type { MemoryPool } from '../../endpoint/memory/memory-pool.js';
import { createLogger } from '../../logging/create-logger.js';
import { followInvocations, logFinishedCommands } from '../../logging/follow-invocations.js';
import type { EnabledMetrics } from '../../metrics/enable-metrics.js';
import { createLogProgressView } from '../../progress/log-progress-view.js';
import type { ProgressView } from '../../progress/progress-view.js';
import type { InvocationReport } from '../../report/job-report.js';
import type { CommandContext } from '../command-context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { type RunJobResult, type RunResult, formatRunResult } from '../format-job-report.js';
import type { RunCommandOptions } from '../program.js';
import { takePeriodicSnapshots } from '../take-snapshots.js';
import { snapshotHooks } from '../../hooks/snapshot-hooks-from-config.js';

/** A configuration with the memory pools its jobs use (built from `memory_pools:`, or by the demo). */
export interface RunSetup {
  config: XreplConfig;
  pools: Map<string, MemoryPool>;
}

/**
 * `xrepl run --once`: for each selected job, a periodic snapshot, then one invocation (replicate,
 * prune sender, prune receiver), with a live view; then the final report. Exit 0 when everything
 * completed, 1 when anything failed, 2 for a bad configuration or job name.
 */
export async function runCommand(options: RunCommandOptions, context: CommandContext): Promise<number> {
  if (options.demo) {
    const { runDemo } = await import('../../demo/run-demo.js');
    return runDemo({ json: options.json }, context);
  }
  let setup: RunSetup;
  try {
    const config = await loadConfigFile(options.config ?? '');
    setup = { config, pools: createMemoryPoolsFromConfig(config.memoryPools) };
  } catch (error) {
    if (error instanceof ConfigFileError) {
      context.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const jobs = selectJobs(setup.config, options.job);
  if (typeof jobs === 'string') {
    context.stderr.write(`xrepl run: ${jobs}\n`);
    return EXIT_USAGE;
  }
  const result = await runJobsOnce(setup, jobs, context, { json: options.json });
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

/** The jobs named on the command line (all when none), or a message naming an unknown one. */
export function selectJobs(config: XreplConfig, names: readonly string[]): JobConfig[] | string {
  if (names.length === 0) return config.jobs;
  const unknown = names.filter((name) => !config.jobs.some((job) => job.name === name));
  if (unknown.length > 0) {
    return `no job named ${unknown.map((n) => JSON.stringify(n)).join(', ')} in ${config.source}; its jobs are ${config.jobs.map((j) => j.name).join(', ')}`;
  }
  return config.jobs.filter((job) => names.includes(job.name));
}

/** Options of {@link runJobsOnce}. */
export interface RunJobsOnceOptions {
  json: boolean;
  /** Invocations per job (the demo runs two, so the second shows recovery). Default 1. */
  invocations?: number | undefined;
  /** Called with each job's logger once it exists (the demo logs what it injected). */
  onStart?: ((logger: Logger) => void) | undefined;
}

/** Runs the jobs one after the other, showing progress, and prints the final report (text or JSON). */
export async function runJobsOnce(setup: RunSetup, jobs: readonly JobConfig[], context: CommandContext, options: RunJobsOnceOptions): Promise<RunResult> {
  const { config, pools } = setup;
  const logger = await createLogger({
    level: context.logLevel ?? config.global.logging.level,
    format: config.global.logging.format,
    destination: context.stderr,
  });
  options.onStart?.(logger);
  let metrics: EnabledMetrics | undefined;
  if (config.global.monitoring !== undefined) {
    const { enableMetrics } = await import('../../metrics/enable-metrics.js');
    metrics = await enableMetrics(config.global.monitoring, { version: packageVersion() });
    if (metrics.server) logger.info({ url: metrics.server.url }, `metrics on ${metrics.server.url}`);
  }
  let inspector: JobInspector | undefined;
  if (context.inspect === true) {
    const { createJobInspector } = await import('../../inspect/job-inspector.js');
    inspector = await createJobInspector(context.inspectUrl);
    logger.info({ url: context.inspectUrl }, 'sending the jobs\' actors to the Stately inspector');
  }
  const view = await createView(context, logger, options.json);
  const results: RunJobResult[] = [];
  // SIGINT/SIGTERM reset the running invocation (aborting its endpoint calls, so zfs processes
  // are killed) and skip the jobs after it; the report then says the invocation was reset.
  const interruption: Interruption = { interrupted: false };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruption.interrupted) process.exit(EXIT_FAILED);
    interruption.interrupted = true;
    logger.warn({ signal }, `${signal}: cancelling the running invocation (again to exit at once)`);
    interruption.cancel?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopCommandLog = logFinishedCommands(logger);
  try {
    for (const job of jobs) {
      if (interruption.interrupted) break;
      results.push(await runJob(job, pools, view, metrics, logger, options.invocations ?? 1, inspector ? { inspect: inspector.inspect } : {}, interruption));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopCommandLog();
    view.stop();
    await metrics?.close();
    await inspector?.stop();
  }
  const result: RunResult = { ok: !interruption.interrupted && results.every((r) => r.ok), jobs: results };
  context.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `\n${formatRunResult(result)}\n`);
  return result;
}

// Shared between the signal handler and the job running now.
interface Interruption {
  interrupted: boolean;
  cancel?: (() => void) | undefined;
}

async function createView(context: CommandContext, logger: Logger, json: boolean): Promise<ProgressView> {
  if (context.stderr.isTTY === true && !json) {
    const { createTerminalProgressView } = await import('../../progress/terminal-progress-view.js');
    return createTerminalProgressView(context.stderr);
  }
  return createLogProgressView(logger);
}

async function runJob(
  job: JobConfig,
  pools: Map<string, MemoryPool>,
  view: ProgressView,
  metrics: EnabledMetrics | undefined,
  logger: Logger,
  invocations: number,
  runtime: JobRuntimeOptions,
  interruption: Interruption,
): Promise<RunJobResult> {
  const log = logger.child({ job: job.name });
  let configured;
  try {
    configured = await createJobFromConfig(job, pools, runtime);
  } catch (error) {
    log.error({ err: error }, `job ${job.name}: cannot start: ${errorMessage(error)}`);
    return { job: job.name, ok: false, error: errorMessage(error) };
  }
  const unfollow = metrics?.follow(configured.job);
  const running = configured.job;
  interruption.cancel = () => running.reset();
  const subscription = configured.job.report$.subscribe({ next: (report) => view.update(report) });
  const unfollowInvocations = followInvocations(configured.job, log);
  try {
    let snapshotting;
    if (job.snapshotting.type !== 'manual') {
      snapshotting = await takePeriodicSnapshots(configured.sender, job.snapshotting.prefix, new Date(), AbortSignal.timeout(job.watchdogTimeoutMs ?? 60_000), {
        naming: job.snapshotting.naming,
        hooks: snapshotHooks(job.snapshotting.hooks ?? []),
        job: job.name,
      });
      for (const failure of snapshotting.hookFailures ?? []) log.warn({ hook: failure }, failure.message);
      if (snapshotting.error !== undefined) log.error({ snapshotting }, `snapshots failed: ${snapshotting.error}`);
      else log.info({ snapshot: snapshotting.snapshot, filesystems: snapshotting.filesystems.length }, `took @${snapshotting.snapshot ?? ''} on ${snapshotting.filesystems.length} filesystem(s)`);
    }
    const earlier: InvocationReport[] = [];
    let report = await configured.job.runOnce();
    for (let i = 1; i < invocations && !interruption.interrupted; i += 1) {
      if (report.last !== undefined) earlier.push(report.last);
      report = await configured.job.runOnce();
    }
    view.update(report);
    // A fatal pre hook kept a filesystem out of the snapshot: the run did not do all it should.
    const ok = report.last?.ok === true && snapshotting?.error === undefined && !(snapshotting?.hookFailures ?? []).some((f) => f.fatal);
    return { job: job.name, ok, snapshotting, report, ...(earlier.length > 0 ? { earlier } : {}) };
  } catch (error) {
    log.error({ err: error }, `job ${job.name} failed: ${errorMessage(error)}`);
    return { job: job.name, ok: false, error: errorMessage(error), report: configured.job.report() };
  } finally {
    interruption.cancel = undefined;
    subscription.unsubscribe();
    unfollowInvocations();
    unfollow?.();
    configured.job.stop();
  }
}
