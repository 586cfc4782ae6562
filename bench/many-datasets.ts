/**
 * Many datasets on real zfs-fuse: a parent with children, a few snapshots each, replicated by
 * xrepl (the built CLI, one process per run, and the library in this long-lived process, as the
 * daemon runs it), by syncoid, and by a
 * hand-written shell loop of `zfs send | zfs recv -u` (the floor): an initial full run, an
 * incremental run after one new snapshot per dataset, and a run with nothing to do. Wall time
 * and the number of `zfs` processes each started (counted by a logging wrapper first on PATH).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cliBuilt, libraryJob, runCli, runLibrary, writeJobConfig } from './lib/xrepl-runner.js';
import { assertSameNewest, createBenchPools, createZfsCallLog, destroyTree, mounted, REAL_ZFS, sh, shell } from './lib/real-zfs.js';
import { median, ratio, timed } from './lib/stats.js';

/** Options of {@link runManyDatasetsBenchmark}. */
export interface ManyDatasetsOptions {
  /** Children of the parent (the tree has one more dataset). */
  children: number;
  /** Snapshots per dataset before the first run. */
  snapshots: number;
  /** Data per dataset before the first run, in KiB (spread over its snapshots). */
  kibPerDataset: number;
  /** Rounds; the first counts zfs processes (through the wrapper), the others are timed without it. */
  rounds: number;
  /** xrepl's replication concurrency. */
  concurrency: number;
  /** Also run xrepl as the built CLI (the library in this process always runs). */
  cli: boolean;
  /** Include syncoid (skipped when it is not installed). */
  syncoid: boolean;
}

/** The tools compared. */
export type Tool = 'xrepl CLI' | 'xrepl library' | 'syncoid' | 'floor';
/** The runs of each round. */
export type Phase = 'initial' | 'incremental' | 'nothing to do';

/** What {@link runManyDatasetsBenchmark} measured. */
export interface ManyDatasetsResult {
  options: ManyDatasetsOptions;
  /** Milliseconds per timed round. */
  ms: Record<Tool, Record<Phase, number[]>>;
  /** zfs processes started in the counting round. */
  zfsCalls: Record<Tool, Record<Phase, number>>;
}

const PHASES: readonly Phase[] = ['initial', 'incremental', 'nothing to do'];

/** True when syncoid is on PATH. */
export async function syncoidInstalled(): Promise<boolean> {
  return (await execa('sh', ['-c', 'command -v syncoid'], { reject: false })).exitCode === 0;
}

/** Runs the benchmark on pools of its own, destroyed afterwards. */
export async function runManyDatasetsBenchmark(options: ManyDatasetsOptions): Promise<ManyDatasetsResult> {
  const datasets = options.children + 1;
  const imageBytes = Math.max(256 * 2 ** 20, datasets * options.kibPerDataset * 1024 * 8);
  const pools = await createBenchPools(['src', 'dst'], imageBytes);
  try {
    const src = pools.pool('src');
    const dst = pools.pool('dst');
    const tree = `${src}/tree`;
    const names = ['', ...Array.from({ length: options.children }, (_, i) => `/c${String(i + 1).padStart(2, '0')}`)];
    const sourceFs = names.map((n) => `${tree}${n}`);
    await sh(REAL_ZFS, 'create', tree);
    for (const fs of sourceFs.slice(1)) await sh(REAL_ZFS, 'create', fs);
    const writeAll = async (file: string, bytes: number): Promise<void> => {
      for (const fs of sourceFs) await writeFile(join(await mounted(fs), file), randomBytes(bytes));
    };
    const perSnapshot = Math.floor((options.kibPerDataset * 1024) / options.snapshots);
    for (let s = 1; s <= options.snapshots; s++) {
      await writeAll(`file${s}.bin`, perSnapshot);
      await sh(REAL_ZFS, 'snapshot', '-r', `${tree}@s${s}`);
    }
    let newest = `s${options.snapshots}`;

    const log = await createZfsCallLog(pools.dir);
    const useCli = options.cli && cliBuilt();
    const useSyncoid = options.syncoid && (await syncoidInstalled());
    const xreplRoot = `${dst}/x`;
    const xreplTarget = `${xreplRoot}/${tree}`;
    const libraryRoot = `${dst}/xl`;
    const libraryTarget = `${libraryRoot}/${tree}`;
    const syncoidTarget = `${dst}/sy/tree`;
    const floorTarget = `${dst}/fl/tree`;
    for (const root of [xreplRoot, libraryRoot, `${dst}/sy`, `${dst}/fl`]) await sh(REAL_ZFS, 'create', root);
    const job = { name: 'many', sourceRoot: tree, rootFs: xreplRoot, concurrency: options.concurrency };
    const configFile = join(pools.dir, 'many.yml');
    await writeJobConfig(configFile, job);
    // The library's job: its own target and cursor, one instance for every round (as in a daemon).
    const libJob = { name: 'many_lib', sourceRoot: tree, rootFs: libraryRoot, concurrency: options.concurrency };
    const plainLibrary = libraryJob(libJob);
    const countingLibrary = libraryJob(libJob, join(log.bin, 'zfs'));

    // The floor: exactly the sends and receives needed, parent first, written by hand.
    const floorScript = (phase: Phase, from: string, to: string): string => {
      if (phase === 'nothing to do') return `zfs get -Hp -r -o name,value guid ${tree} >/dev/null && zfs get -Hp -r -o name,value guid ${floorTarget} >/dev/null`;
      return names
        .map((n) => (phase === 'initial' ? `zfs send ${tree}${n}@${to} | zfs recv -u ${floorTarget}${n}` : `zfs send -i @${from} ${tree}${n}@${to} | zfs recv -u ${floorTarget}${n}`))
        .join(' && ');
    };

    const ms = { 'xrepl CLI': emptyPhases(), 'xrepl library': emptyPhases(), syncoid: emptyPhases(), floor: emptyPhases() } as Record<Tool, Record<Phase, number[]>>;
    const zfsCalls = { 'xrepl CLI': zeroPhases(), 'xrepl library': zeroPhases(), syncoid: zeroPhases(), floor: zeroPhases() } as Record<Tool, Record<Phase, number>>;
    try {
      for (let round = 0; round < options.rounds; round++) {
        const counting = round === 0;
        const env: Record<string, string> = counting ? { PATH: log.path } : {};
        const shellEnv: Record<string, string> = { PATH: counting ? log.path : (process.env.PATH ?? '') };
        await destroyTree(`${xreplRoot}/${src}`);
        await destroyTree(`${libraryRoot}/${src}`);
        await destroyTree(syncoidTarget);
        await destroyTree(floorTarget);
        let from = newest;
        for (const phase of PHASES) {
          if (phase === 'incremental') {
            from = newest;
            newest = `r${round}`;
            await writeAll(`round${round}.bin`, 64 * 1024);
            await sh(REAL_ZFS, 'snapshot', '-r', `${tree}@${newest}`);
          }
          const to = newest;
          const tools: { tool: Tool; run: () => Promise<void>; target: string }[] = [
            { tool: 'xrepl library', run: () => runLibrary(counting ? countingLibrary : plainLibrary), target: libraryTarget },
            { tool: 'floor', run: () => shell(floorScript(phase, from, to), shellEnv), target: floorTarget },
          ];
          if (useCli) tools.unshift({ tool: 'xrepl CLI', run: () => runCli(configFile, env), target: xreplTarget });
          if (useSyncoid) {
            tools.push({
              tool: 'syncoid',
              run: () => shell(`syncoid -r --no-sync-snap --no-resume --quiet ${tree} ${syncoidTarget}`, shellEnv),
              target: syncoidTarget,
            });
          }
          // Rotate the order by round and phase so no tool always goes first.
          const shift = round + PHASES.indexOf(phase);
          const order = tools.map((_, k) => tools[(k + shift) % tools.length]).filter((t) => t !== undefined);
          for (const t of order) {
            if (counting) await log.reset();
            const { ms: elapsed } = await timed(t.run);
            await assertSameNewest(tree, t.target);
            if (counting) zfsCalls[t.tool][phase] = (await log.calls()).length;
            else ms[t.tool][phase].push(elapsed);
          }
        }
      }
    } finally {
      plainLibrary.stop();
      countingLibrary.stop();
    }
    return { options: { ...options, cli: useCli, syncoid: useSyncoid }, ms, zfsCalls };
  } finally {
    await pools.destroy();
  }
}

function emptyPhases(): Record<Phase, number[]> {
  return { initial: [], incremental: [], 'nothing to do': [] };
}

function zeroPhases(): Record<Phase, number> {
  return { initial: 0, incremental: 0, 'nothing to do': 0 };
}

/** The result as markdown lines. */
export function describeManyDatasets(r: ManyDatasetsResult): string {
  const tools: Tool[] = [...(r.options.cli ? (['xrepl CLI'] as const) : []), 'xrepl library', ...(r.options.syncoid ? (['syncoid'] as const) : []), 'floor'];
  const m = (tool: Tool, phase: Phase): number => (r.ms[tool][phase].length > 0 ? median(r.ms[tool][phase]) : Number.NaN);
  const rows = PHASES.flatMap((phase) =>
    tools.map((tool) => {
      const t = m(tool, phase);
      return `| ${phase} | ${tool} | ${(t / 1000).toFixed(3)} s | ${r.ms[tool][phase].map((x) => (x / 1000).toFixed(2)).join(' ')} | ${r.zfsCalls[tool][phase]} | ${ratio(t, m('floor', phase))} | ${r.options.syncoid ? ratio(m('syncoid', phase), t) : 'n/a'} |`;
    }),
  );
  return [
    `${r.options.children + 1} datasets (a parent and ${r.options.children} children), ${r.options.snapshots} snapshots and about ${r.options.kibPerDataset} KiB each; xrepl concurrency ${r.options.concurrency}; median of ${r.options.rounds - 1} timed rounds (zfs processes counted in one more round, through the wrapper):`,
    '',
    '| run | tool | median | runs (s) | zfs processes | × floor | syncoid ÷ this |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
