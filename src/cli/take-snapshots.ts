import type { Endpoint } from '../endpoint/endpoint.js';
import { errorMessage } from '../domain/errors.js';
import { snapshotName } from '../endpoint/snapshot-name.js';

/** What `run --once` did before replicating a periodic job. */
export interface SnapshotResult {
  /** The snapshot name taken on every filesystem, e.g. `xrepl_20261126_093000_000`. */
  snapshot?: string | undefined;
  filesystems: string[];
  /** Why no snapshot was taken. */
  error?: string | undefined;
}

/**
 * Takes one snapshot named `<prefix><UTC time>` of every filesystem the sender serves (its filter
 * decides which), in one createSnapshots call, as zrepl's snapshotter does each interval.
 */
export async function takePeriodicSnapshots(sender: Endpoint, prefix: string, at: Date, signal: AbortSignal): Promise<SnapshotResult> {
  let filesystems: string[] = [];
  try {
    filesystems = (await sender.listFilesystems(signal)).map((fs) => fs.path);
    if (filesystems.length === 0) return { filesystems, error: 'the sender serves no filesystem (check the filesystems: patterns)' };
    const snapshot = snapshotName(prefix, at);
    await sender.createSnapshots(filesystems, snapshot, signal);
    return { snapshot, filesystems };
  } catch (error) {
    return { filesystems, error: errorMessage(error) };
  }
}
