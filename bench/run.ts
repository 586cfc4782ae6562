/**
 * `npm run bench [-- options]`: runs the benchmarks and prints their figures as markdown (the
 * tables BENCHMARKS.md quotes), with the machine and versions.
 *
 *   --only scale,inspect,live-view,import,data-path,many-datasets,remote   which to run (all by default)
 *   --quick                                         small sizes, to check the harness in seconds
 *   --out FILE                                      also write the markdown to FILE
 *   --no-cli                                        drive xrepl as a library, not the built CLI
 *   --scale-filesystems N  --scale-snapshots N      size of the scale benchmark (10000 × 100)
 *   --scale-runs N                                  steady-state runs of each kind (3)
 *   --concurrency N                                 xrepl's replication concurrency in many-datasets (1)
 *
 * The real-ZFS benchmarks need a running zfs-fuse (`.ci/zfs-up.sh DIR`); the whole-tool figures
 * need `npm run build` first.
 */
import { writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { describeDataPath, runDataPathBenchmark } from './data-path.js';
import { describeImportCost, runImportCostBenchmark } from './import-cost.js';
import { describeInspectOverhead, runInspectOverheadBenchmark } from './inspect-overhead.js';
import { describeLiveViewOverhead, runLiveViewOverheadBenchmark } from './live-view-overhead.js';
import { describeMachine, machineInfo } from './lib/machine-info.js';
import { describeManyDatasets, runManyDatasetsBenchmark } from './many-datasets.js';
import { describeRemote, runRemoteBenchmark } from './remote.js';
import { describeScale, runScaleBenchmark } from './scale.js';

const BENCHMARKS = ['scale', 'inspect', 'live-view', 'import', 'data-path', 'many-datasets', 'remote'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function numberOption(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

function selected(): BenchmarkName[] {
  const only = option('--only');
  if (only === undefined) return [...BENCHMARKS];
  return only.split(',').map((name) => {
    if (!(BENCHMARKS as readonly string[]).includes(name)) throw new RangeError(`--only: unknown benchmark ${JSON.stringify(name)}; known: ${BENCHMARKS.join(', ')}`);
    return name as BenchmarkName;
  });
}

function zfsAnswers(): boolean {
  return spawnSync('zpool', ['list', '-H'], { timeout: 15_000 }).status === 0;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const cli = !process.argv.includes('--no-cli');
  const sections: string[] = ['## Machine', '', describeMachine(machineInfo()), '', `command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\``];
  const emit = (title: string, body: string): void => {
    const text = `\n## ${title}\n\n${body}`;
    sections.push(text);
    console.log(text);
  };
  console.log(sections.join('\n'));
  for (const name of selected()) {
    if ((name === 'data-path' || name === 'many-datasets' || name === 'remote') && !zfsAnswers()) {
      emit(name, 'skipped: `zpool list` does not answer (start zfs-fuse with `.ci/zfs-up.sh DIR`)');
      continue;
    }
    switch (name) {
      case 'scale':
        emit(
          'Scale (memory pools)',
          describeScale(
            await runScaleBenchmark({
              filesystems: numberOption('--scale-filesystems', quick ? 200 : 10_000),
              snapshots: numberOption('--scale-snapshots', quick ? 10 : 100),
              runs: numberOption('--scale-runs', quick ? 1 : 3),
              concurrency: 1,
              features: 'openzfs',
            }),
          ),
        );
        break;
      case 'inspect':
        emit('Inspection overhead (memory pools)', describeInspectOverhead(await runInspectOverheadBenchmark({ filesystems: quick ? 50 : 1000, snapshots: 10, rounds: quick ? 2 : 7 })));
        break;
      case 'live-view':
        emit('Live view overhead (memory pools)', describeLiveViewOverhead(await runLiveViewOverheadBenchmark({ filesystems: quick ? 50 : 1000, snapshots: 10, rounds: quick ? 2 : 7 })));
        break;
      case 'import':
        emit('Cold import (built package)', describeImportCost(await runImportCostBenchmark({ runs: quick ? 1 : 15 })));
        break;
      case 'data-path':
        emit('Data path (zfs-fuse)', describeDataPath(await runDataPathBenchmark({ sizeMiB: quick ? 8 : 200, runs: quick ? 1 : 5, cli })));
        break;
      case 'many-datasets':
        emit(
          'Many datasets (zfs-fuse)',
          describeManyDatasets(
            await runManyDatasetsBenchmark({ children: quick ? 3 : 20, snapshots: 5, kibPerDataset: quick ? 64 : 1024, rounds: quick ? 2 : 4, concurrency: numberOption('--concurrency', 1), cli, syncoid: true }),
          ),
        );
        break;
      case 'remote':
        emit(
          'Two machines over ssh (zfs-fuse, loopback sshd)',
          describeRemote(await runRemoteBenchmark({ children: quick ? 3 : 20, snapshots: 5, kibPerDataset: quick ? 64 : 1024, rounds: quick ? 1 : 3, syncoid: true })),
        );
        break;
    }
  }
  const out = option('--out');
  if (out !== undefined) await writeFile(out, `${sections.join('\n')}\n`);
}

await main();
