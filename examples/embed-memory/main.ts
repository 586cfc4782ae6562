/**
 * Embedding xrepl in a Node application with two in-memory pools: build a source pool with a
 * few filesystems and snapshots, replicate it below `backup/` on a target pool, prune both sides,
 * and check that the target holds the same data. (In an application, import from `xrepl`.)
 */
import { type JobReport, createMemoryPool, createReplicationJob, filesystemFilter } from 'xrepl';

/** Options of {@link main}. */
export interface EmbedMemoryOptions {
  /** Snapshots per filesystem (default 4). */
  snapshots?: number;
  /** Where to print progress lines; silent by default. */
  log?: (line: string) => void;
}

/** What the example returns: the job's report and whether the target's data matches the source's. */
export interface EmbedMemoryResult {
  report: JobReport;
  /** Filesystem → true when the newest snapshot's files are identical on both pools. */
  identical: Record<string, boolean>;
  /** Snapshots left on the source after pruning, per filesystem. */
  sourceSnapshots: Record<string, string[]>;
}

/** Replicates `tank/projects<` (but not `tank/projects/cache<`) from one memory pool to another. */
export async function main(options: EmbedMemoryOptions = {}): Promise<EmbedMemoryResult> {
  const log = options.log ?? (() => {});
  const source = createMemoryPool({ name: 'source' });
  const filesystems = ['tank/projects/web', 'tank/projects/db', 'tank/projects/cache'];
  for (const fs of filesystems) {
    source.createFilesystem(fs);
    for (let i = 1; i <= (options.snapshots ?? 4); i += 1) {
      source.write(fs, `notes-${i}.txt`, `${fs}: version ${i}\n`.repeat(100));
      source.snapshot(fs, `snap_${i}`);
    }
  }
  const target = createMemoryPool({ name: 'target' });
  target.createFilesystem('backup');

  const job = createReplicationJob({
    name: 'embedded',
    sender: source.sender({ filter: filesystemFilter({ 'tank/projects<': true, 'tank/projects/cache<': false }) }),
    receiver: target.receiver({ rootFs: 'backup' }),
    keepSender: [{ type: 'not_replicated' }, { type: 'last_n', count: 2 }],
    keepReceiver: [{ type: 'last_n', count: 3 }],
    initialReplication: 'all',
  });
  const report = await job.runOnce();
  job.stop();
  log(`replication ${report.last?.replication?.state ?? 'did not run'}`);

  const identical: Record<string, boolean> = {};
  const sourceSnapshots: Record<string, string[]> = {};
  for (const fs of filesystems) {
    const newest = source.versions(fs).filter((v) => v.type === 'snapshot').at(-1);
    sourceSnapshots[fs] = source.versions(fs).filter((v) => v.type === 'snapshot').map((v) => v.name);
    const there = newest !== undefined && target.hasFilesystem(`backup/${fs}`) && target.versions(`backup/${fs}`).some((v) => v.name === newest.name);
    identical[fs] = there && newest !== undefined && sameContent(source.snapshotContent(fs, newest.name), target.snapshotContent(`backup/${fs}`, newest.name));
    log(`${fs}: ${identical[fs] ? 'identical on the target' : 'not on the target'}`);
  }
  return { report, identical, sourceSnapshots };
}

function sameContent(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  return a.size === b.size && [...a].every(([file, bytes]) => b.get(file)?.equals(bytes) === true);
}
