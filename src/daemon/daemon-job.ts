import type { Endpoint } from '../endpoint/endpoint.js';
import type { ReplicationJob } from '../runner/replication-job.js';

/** How a job's snapshots are taken: by the periodic snapshotter, or by someone else. */
export type DaemonSnapshotting = { type: 'periodic'; prefix: string; intervalMs: number } | { type: 'manual' };

/** One job the daemon runs: the replication job, and what its snapshotter needs. */
export interface DaemonJobSpec {
  job: ReplicationJob;
  /** The job's sender, where the periodic snapshotter takes its snapshots. */
  sender: Endpoint;
  snapshotting: DaemonSnapshotting;
}
