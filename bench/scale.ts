/**
 * Scale on memory pools: many filesystems with many snapshots, planned and run with nothing to do,
 * then with one new snapshot on every filesystem. Wall time, peak RSS and time per filesystem,
 * each run checked (newest guid per filesystem on both sides) before its time counts.
 */
import { createReplicationJob } from '../src/runner/create-replication-job.js';
import { assertReplicated, createMemoryTree, type MemoryFeatures } from './lib/memory-tree.js';
import { median, timed } from './lib/stats.js';

/** Options of {@link runScaleBenchmark}. */
export interface ScaleOptions {
  filesystems: number;
  snapshots: number;
  /** Steady-state runs of each kind (the median is reported). */
  runs: number;
  /** Filesystems replicated at once (the job's `concurrency`). */
  concurrency: number;
  features: MemoryFeatures;
}

/** What {@link runScaleBenchmark} measured. */
export interface ScaleResult {
  options: ScaleOptions;
  setupMs: number;
  initialMs: number;
  noopMs: number[];
  oneNewMs: number[];
  /** Peak resident set of the whole process (setup included), in MiB. */
  peakRssMiB: number;
  /** Resident set after the steady-state runs, in MiB. */
  rssAfterMiB: number;
}

/** Runs the scale benchmark; throws when a run ends with the receiver behind the sender. */
export async function runScaleBenchmark(options: ScaleOptions): Promise<ScaleResult> {
  const setup = await timed(() => createMemoryTree(options.filesystems, options.snapshots, options.features));
  const tree = setup.value;
  const job = createReplicationJob({ name: 'scale', sender: tree.sender, receiver: tree.receiver, concurrency: options.concurrency });
  try {
    const run = async (): Promise<number> => {
      const { ms, value: report } = await timed(() => job.runOnce());
      if (report.last?.ok !== true) throw new Error(`scale run failed: ${JSON.stringify(report.last?.replication?.problem ?? report.last)}`);
      assertReplicated(tree);
      return ms;
    };
    const initialMs = await run();
    const noopMs: number[] = [];
    const oneNewMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      noopMs.push(await run());
      await tree.snapshotAll(`new${i}`);
      oneNewMs.push(await run());
    }
    return {
      options,
      setupMs: setup.ms,
      initialMs,
      noopMs,
      oneNewMs,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      rssAfterMiB: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    job.stop();
  }
}

/** The result as markdown lines. */
export function describeScale(r: ScaleResult): string {
  const n = r.options.filesystems;
  const perFs = (ms: number): string => `${((ms * 1000) / n).toFixed(0)} µs`;
  const noop = median(r.noopMs);
  const oneNew = median(r.oneNewMs);
  return [
    `${n} filesystems × ${r.options.snapshots} snapshots, ${r.options.features} features, concurrency ${r.options.concurrency}, median of ${r.options.runs}:`,
    '',
    `| run | wall time | per filesystem |`,
    `| --- | --- | --- |`,
    `| setup (pools, not xrepl) | ${(r.setupMs / 1000).toFixed(2)} s | |`,
    `| initial (full sends, most_recent) | ${(r.initialMs / 1000).toFixed(2)} s | ${perFs(r.initialMs)} |`,
    `| nothing to do | ${(noop / 1000).toFixed(2)} s | ${perFs(noop)} |`,
    `| one new snapshot each | ${(oneNew / 1000).toFixed(2)} s | ${perFs(oneNew)} |`,
    '',
    `peak RSS ${r.peakRssMiB.toFixed(0)} MiB (whole process, pools included); RSS after the runs ${r.rssAfterMiB.toFixed(0)} MiB`,
  ].join('\n');
}
