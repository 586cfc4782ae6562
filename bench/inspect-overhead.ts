/**
 * Overhead of inspection on memory pools: the same job, with and without a no-op `inspect`
 * observer (which sees every actor, event, snapshot and microstep), runs interleaved.
 */
import type { InspectionEvent } from 'xstate';
import { createReplicationJob } from '../src/runner/create-replication-job.js';
import { assertReplicated, createMemoryTree } from './lib/memory-tree.js';
import { median, timed } from './lib/stats.js';

/** Options of {@link runInspectOverheadBenchmark}. */
export interface InspectOverheadOptions {
  filesystems: number;
  snapshots: number;
  /** Rounds; each round runs one new snapshot through both jobs, order alternating. */
  rounds: number;
}

/** What {@link runInspectOverheadBenchmark} measured. */
export interface InspectOverheadResult {
  options: InspectOverheadOptions;
  plainMs: number[];
  inspectedMs: number[];
  /** Inspection events the observer saw in its runs. */
  inspectionEvents: number;
}

/** Runs both jobs round by round; each run is checked before its time counts. */
export async function runInspectOverheadBenchmark(options: InspectOverheadOptions): Promise<InspectOverheadResult> {
  const plainTree = await createMemoryTree(options.filesystems, options.snapshots);
  const inspectedTree = await createMemoryTree(options.filesystems, options.snapshots);
  let inspectionEvents = 0;
  const inspect = (_event: InspectionEvent): void => {
    inspectionEvents++;
  };
  const plain = createReplicationJob({ name: 'plain', sender: plainTree.sender, receiver: plainTree.receiver });
  const inspected = createReplicationJob({ name: 'inspected', sender: inspectedTree.sender, receiver: inspectedTree.receiver, inspect });
  const pairs = [
    { job: plain, tree: plainTree, samples: [] as number[] },
    { job: inspected, tree: inspectedTree, samples: [] as number[] },
  ] as const;
  try {
    for (const p of pairs) {
      await p.job.runOnce();
      assertReplicated(p.tree);
    }
    inspectionEvents = 0;
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? pairs : [pairs[1], pairs[0]];
      for (const p of order) {
        await p.tree.snapshotAll(`r${round}`);
        const { ms, value } = await timed(() => p.job.runOnce());
        if (value.last?.ok !== true) throw new Error(`inspect overhead run failed: ${JSON.stringify(value.last)}`);
        assertReplicated(p.tree);
        p.samples.push(ms);
      }
    }
    return { options, plainMs: pairs[0].samples, inspectedMs: pairs[1].samples, inspectionEvents };
  } finally {
    plain.stop();
    inspected.stop();
  }
}

/** The result as markdown lines. */
export function describeInspectOverhead(r: InspectOverheadResult): string {
  const plain = median(r.plainMs);
  const inspected = median(r.inspectedMs);
  return [
    `${r.options.filesystems} filesystems × ${r.options.snapshots} snapshots, one new snapshot per round, ${r.options.rounds} rounds interleaved:`,
    '',
    '| job | median run | ratio |',
    '| --- | --- | --- |',
    `| no observer | ${(plain / 1000).toFixed(3)} s | 1.00 |`,
    `| no-op \`inspect\` observer | ${(inspected / 1000).toFixed(3)} s | ${(inspected / plain).toFixed(2)} |`,
    '',
    `the observer saw ${r.inspectionEvents} inspection events (${Math.round(r.inspectionEvents / r.options.rounds)} a run)`,
  ].join('\n');
}
