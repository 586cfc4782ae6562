import type { MemoryPool } from '../endpoint/memory/memory-pool.js';
import type { ReplicationJobOptions } from '../runner/job-options.js';
import type { ReplicationJob } from '../runner/replication-job.js';
import type { JobConfig } from './config-types.js';
import { type JobEndpoints, createJobEndpoints } from './job-endpoints.js';

/** A job built from its configuration, with the endpoints it runs on. */
export interface ConfiguredJob extends JobEndpoints {
  config: JobConfig;
  job: ReplicationJob;
}

/** What the caller adds to a configured job: inspection, a test clock, faster timings for demos. */
export type JobRuntimeOptions = Pick<ReplicationJobOptions, 'inspect' | 'clock'>;

/** The engine's options for a validated job and its endpoints. */
export function replicationJobOptions(job: JobConfig, endpoints: JobEndpoints, runtime: JobRuntimeOptions = {}): ReplicationJobOptions {
  const options: ReplicationJobOptions = {
    name: job.name,
    sender: endpoints.sender,
    receiver: endpoints.receiver,
    keepSender: job.keepSender,
    keepReceiver: job.keepReceiver,
    concurrency: job.concurrency,
    initialReplication: job.initialReplication,
  };
  if (job.intervalMs !== undefined) options.intervalMs = job.intervalMs;
  if (job.watchdogTimeoutMs !== undefined) options.watchdogTimeoutMs = job.watchdogTimeoutMs;
  if (job.retry !== undefined) options.retry = job.retry;
  if (job.progressIntervalMs !== undefined) options.progressIntervalMs = job.progressIntervalMs;
  if (runtime.inspect !== undefined) options.inspect = runtime.inspect;
  if (runtime.clock !== undefined) options.clock = runtime.clock;
  return options;
}

/**
 * Builds a job's endpoints and its ReplicationJob (not started). The engine is imported here, on
 * first use, so commands that only read configuration never load XState.
 */
export async function createJobFromConfig(
  job: JobConfig,
  pools: ReadonlyMap<string, MemoryPool>,
  runtime: JobRuntimeOptions = {},
): Promise<ConfiguredJob> {
  const endpoints = await createJobEndpoints(job, pools);
  const { createReplicationJob } = await import('../runner/create-replication-job.js');
  return { config: job, ...endpoints, job: createReplicationJob(replicationJobOptions(job, endpoints, runtime)) };
}
