/**
 * Cost of the live view on memory pools: the same job, with and without a live feed attached
 * (what a page's stream is made of: every machine actor followed, a message per burst of
 * changes), runs interleaved. Counts the messages and their JSON size too.
 */
import { createLiveFeed } from '../src/live-view/live-feed.js';
import { REPORT_DELAY_MS, type LiveMessage } from '../src/live-view/live-messages.js';
import { machineDiagrams } from '../src/live-view/machine-diagrams.js';
import { createReplicationJob } from '../src/runner/create-replication-job.js';
import { assertReplicated, createMemoryTree } from './lib/memory-tree.js';
import { median, timed } from './lib/stats.js';

/** Options of {@link runLiveViewOverheadBenchmark}. */
export interface LiveViewOverheadOptions {
  filesystems: number;
  snapshots: number;
  /** Rounds; each round runs one new snapshot through both jobs, order alternating. */
  rounds: number;
}

/** What {@link runLiveViewOverheadBenchmark} measured. */
export interface LiveViewOverheadResult {
  options: LiveViewOverheadOptions;
  plainMs: number[];
  watchedMs: number[];
  /** Messages of the watched runs, by type, and their JSON bytes. */
  stateMessages: number;
  stateBytes: number;
  reportMessages: number;
  reportBytes: number;
  /** Drawing the five diagrams, once. */
  drawMs: number;
  svgBytes: number;
}

/** Runs both jobs round by round; each run is checked before its time counts. */
export async function runLiveViewOverheadBenchmark(options: LiveViewOverheadOptions): Promise<LiveViewOverheadResult> {
  const draw = await timed(async () => machineDiagrams());
  const plainTree = await createMemoryTree(options.filesystems, options.snapshots);
  const watchedTree = await createMemoryTree(options.filesystems, options.snapshots);
  const plain = createReplicationJob({ name: 'plain', sender: plainTree.sender, receiver: plainTree.receiver });
  const watched = createReplicationJob({ name: 'watched', sender: watchedTree.sender, receiver: watchedTree.receiver });
  const feed = createLiveFeed([{ job: watched }]);
  const counts = { stateMessages: 0, stateBytes: 0, reportMessages: 0, reportBytes: 0 };
  let counting = false;
  const subscription = feed.changes$.subscribe((message: LiveMessage) => {
    if (!counting) return;
    const bytes = JSON.stringify(message).length;
    if (message.type === 'report') {
      counts.reportMessages++;
      counts.reportBytes += bytes;
    } else {
      counts.stateMessages++;
      counts.stateBytes += bytes;
    }
  });
  const pairs = [
    { job: plain, tree: plainTree, samples: [] as number[] },
    { job: watched, tree: watchedTree, samples: [] as number[] },
  ] as const;
  try {
    for (const p of pairs) {
      await p.job.runOnce();
      assertReplicated(p.tree);
    }
    counting = true;
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? pairs : [pairs[1], pairs[0]];
      for (const p of order) {
        await p.tree.snapshotAll(`r${round}`);
        const { ms, value } = await timed(() => p.job.runOnce());
        if (value.last?.ok !== true) throw new Error(`live view overhead run failed: ${JSON.stringify(value.last)}`);
        assertReplicated(p.tree);
        p.samples.push(ms);
      }
    }
    // The last run's report follows it after REPORT_DELAY_MS.
    await new Promise((resolve) => setTimeout(resolve, 2 * REPORT_DELAY_MS));
    return {
      options,
      plainMs: pairs[0].samples,
      watchedMs: pairs[1].samples,
      ...counts,
      drawMs: draw.ms,
      svgBytes: draw.value.reduce((sum, d) => sum + d.svg.length, 0),
    };
  } finally {
    subscription.unsubscribe();
    feed.close();
    plain.stop();
    watched.stop();
  }
}

/** The result as markdown lines. */
export function describeLiveViewOverhead(r: LiveViewOverheadResult): string {
  const plain = median(r.plainMs);
  const watched = median(r.watchedMs);
  const perRun = (n: number): number => Math.round(n / r.options.rounds);
  return [
    `${r.options.filesystems} filesystems × ${r.options.snapshots} snapshots, one new snapshot per round, ${r.options.rounds} rounds interleaved:`,
    '',
    '| job | median run | ratio |',
    '| --- | --- | --- |',
    `| no live feed | ${(plain / 1000).toFixed(3)} s | 1.00 |`,
    `| live feed attached | ${(watched / 1000).toFixed(3)} s | ${(watched / plain).toFixed(2)} |`,
    '',
    `a run streamed ${perRun(r.stateMessages)} state messages (${Math.round(r.stateBytes / Math.max(1, r.stateMessages))} bytes each on average) and ` +
      `${r.reportMessages} reports in all ${r.options.rounds} runs (${Math.round(r.reportBytes / Math.max(1, r.reportMessages))} bytes each on average); ` +
      `the five diagrams took ${Math.round(r.drawMs)} ms to draw, once, ${Math.round(r.svgBytes / 1024)} KiB of SVG`,
  ].join('\n');
}
