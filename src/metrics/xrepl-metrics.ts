import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The metric name prefix: zrepl's names under `xrepl_`. */
export const METRIC_PREFIX = 'xrepl_';

/** xrepl's Prometheus metrics, registered in their own registry. */
export interface XreplMetrics {
  registry: Registry;
  bytesReplicated: Counter<'job' | 'filesystem'>;
  stateTime: Histogram<'job' | 'state'>;
  filesystemErrors: Gauge<'job'>;
  lastSuccessful: Gauge<'job'>;
  pruningTime: Histogram<'job' | 'prune_side'>;
  zfsCommandDuration: Histogram<'command'>;
  /** Finished invocations that were not ok (a failing job shows here, not only as a stale last_successful). */
  invocationsFailed: Counter<'job'>;
  /** Snapshots the pruners destroyed, per side. */
  pruningDestroyed: Counter<'job' | 'prune_side'>;
  /** Pruner runs and filesystems that ended with a problem, per side. */
  pruningErrors: Counter<'job' | 'prune_side'>;
  /** Always 1, labelled with the version that runs. */
  buildInfo: Gauge<'version' | 'node_version'>;
}

/** Creates the metrics in a fresh registry (or the given one). */
export function createXreplMetrics(registry: Registry = new Registry()): XreplMetrics {
  const registers = [registry];
  return {
    registry,
    bytesReplicated: new Counter({
      name: `${METRIC_PREFIX}replication_bytes_replicated`,
      help: 'Bytes of replication streams received, per job and filesystem',
      labelNames: ['job', 'filesystem'],
      registers,
    }),
    stateTime: new Histogram({
      name: `${METRIC_PREFIX}replication_state_time`,
      help: 'Seconds a replication spent in each state of the replication machine',
      labelNames: ['job', 'state'],
      buckets: [0.01, 0.1, 1, 5, 30, 60, 300, 1800, 3600],
      registers,
    }),
    filesystemErrors: new Gauge({
      name: `${METRIC_PREFIX}replication_filesystem_errors`,
      help: 'Filesystems that failed in the most recent replication of the job',
      labelNames: ['job'],
      registers,
    }),
    lastSuccessful: new Gauge({
      name: `${METRIC_PREFIX}replication_last_successful`,
      help: 'Unix time (seconds) at which the job last completed a replication without errors',
      labelNames: ['job'],
      registers,
    }),
    pruningTime: new Histogram({
      name: `${METRIC_PREFIX}pruning_time`,
      help: 'Seconds a pruner run took, per job and side',
      labelNames: ['job', 'prune_side'],
      buckets: [0.01, 0.1, 1, 5, 30, 60, 300],
      registers,
    }),
    zfsCommandDuration: new Histogram({
      name: `${METRIC_PREFIX}zfs_command_duration_seconds`,
      help: 'Seconds each zfs command took, by zfs subcommand',
      labelNames: ['command'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300],
      registers,
    }),
    invocationsFailed: new Counter({
      name: `${METRIC_PREFIX}job_invocations_failed_total`,
      help: 'Finished invocations of the job (replication and pruning) that did not complete without a problem',
      labelNames: ['job'],
      registers,
    }),
    pruningDestroyed: new Counter({
      name: `${METRIC_PREFIX}pruning_destroyed_snapshots_total`,
      help: 'Snapshots destroyed by pruning, per job and side',
      labelNames: ['job', 'prune_side'],
      registers,
    }),
    pruningErrors: new Counter({
      name: `${METRIC_PREFIX}pruning_errors_total`,
      help: 'Pruner runs and pruned filesystems that ended with a problem, per job and side',
      labelNames: ['job', 'prune_side'],
      registers,
    }),
    buildInfo: new Gauge({
      name: `${METRIC_PREFIX}build_info`,
      help: 'Always 1; the labels say which xrepl and Node.js run',
      labelNames: ['version', 'node_version'],
      registers,
    }),
  };
}
