import type { Endpoint } from '../endpoint/endpoint.js';
import type { ReplicationJob } from '../runner/replication-job.js';

import type { SnapshottingConfig } from '../config/config-types.js';

/** How a job's snapshots are taken: by the snapshotter (periodic or cron), or by someone else. */
export type DaemonSnapshotting = SnapshottingConfig;

/** One job the daemon runs: the replication job, and what its snapshotter needs. */
export interface DaemonJobSpec {
  job: ReplicationJob;
  /** The job's sender, where the periodic snapshotter takes its snapshots. */
  sender: Endpoint;
  snapshotting: DaemonSnapshotting;
}
