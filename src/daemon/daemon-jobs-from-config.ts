import type { JobConfig, XreplConfig } from '../config/config-types.js';
import type { ReplicationJobOptions } from '../runner/job-options.js';
import type { DaemonJobSpec } from './daemon-job.js';

/** Options of {@link daemonJobsFromConfig}. */
export interface DaemonJobsFromConfigOptions {
  inspect?: ReplicationJobOptions['inspect'];
}

/**
 * Builds every job of a validated configuration for the daemon: memory pools, endpoints and the
 * replication job. A periodic job replicates when its snapshotter wakes it (and on its `interval`
 * when one is set); a manual job only on its interval or a wakeup.
 */
export async function daemonJobsFromConfig(config: XreplConfig, options: DaemonJobsFromConfigOptions = {}): Promise<DaemonJobSpec[]> {
  const [{ createMemoryPoolsFromConfig }, { createJobEndpoints }, { createReplicationJob }] = await Promise.all([
    import('../config/memory-pools-from-config.js'),
    import('../config/job-endpoints.js'),
    import('../runner/create-replication-job.js'),
  ]);
  const pools = createMemoryPoolsFromConfig(config.memoryPools);
  const specs: DaemonJobSpec[] = [];
  for (const job of config.jobs) {
    const { sender, receiver } = await createJobEndpoints(job, pools);
    specs.push({
      job: createReplicationJob({ ...jobOptions(job, options), sender, receiver }),
      sender,
      snapshotting: job.snapshotting,
    });
  }
  return specs;
}

// The job's options apart from its endpoints; absent settings keep the engine's defaults.
function jobOptions(job: JobConfig, options: DaemonJobsFromConfigOptions): Omit<ReplicationJobOptions, 'sender' | 'receiver'> {
  return {
    name: job.name,
    keepSender: job.keepSender,
    keepReceiver: job.keepReceiver,
    concurrency: job.concurrency,
    initialReplication: job.initialReplication,
    // A periodic or cron job is woken by its snapshotter; its own interval would double the runs.
    ...(job.intervalMs !== undefined && job.snapshotting.type === 'manual' ? { intervalMs: job.intervalMs } : {}),
    ...(job.watchdogTimeoutMs !== undefined ? { watchdogTimeoutMs: job.watchdogTimeoutMs } : {}),
    ...(job.retry !== undefined ? { retry: job.retry } : {}),
    ...(job.progressIntervalMs !== undefined ? { progressIntervalMs: job.progressIntervalMs } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  };
}
