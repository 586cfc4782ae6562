/**
 * Data path on real zfs-fuse: one filesystem of random data replicated in full by xrepl (the built
 * CLI, and the library in this process) against `zfs send | zfs recv -u` run by the shell and
 * `zfs send > /dev/null`; runs interleaved, the received filesystem destroyed between runs (its
 * parent stays, as the pipe's does: xrepl's is the placeholder it made on its first run), each
 * run's result checked (same newest guid) before its time counts.
 */
import { join } from 'node:path';
import { cliBuilt, libraryJob, runCli, runLibrary, writeJobConfig } from './lib/xrepl-runner.js';
import { assertSameNewest, createBenchPools, destroyTree, REAL_ZFS, sh, shell, writeRandom } from './lib/real-zfs.js';
import { median, ratio, timed } from './lib/stats.js';

/** Options of {@link runDataPathBenchmark}. */
export interface DataPathOptions {
  /** Random data in the filesystem, in MiB. */
  sizeMiB: number;
  /** Runs of each variant. */
  runs: number;
  /** Also run the built CLI (needs `npm run build`). */
  cli: boolean;
}

/** Milliseconds per run of each variant. */
export interface DataPathResult {
  options: DataPathOptions;
  streamBytes: number;
  samples: Record<DataPathVariant, number[]>;
}

/** The variants measured. */
export type DataPathVariant = 'xrepl CLI' | 'xrepl library' | 'zfs send | zfs recv -u' | 'zfs send > /dev/null';

/** Runs the benchmark on pools of its own, destroyed afterwards. */
export async function runDataPathBenchmark(options: DataPathOptions): Promise<DataPathResult> {
  const imageBytes = Math.max(256, options.sizeMiB * 3) * 2 ** 20;
  const pools = await createBenchPools(['src', 'dst'], imageBytes);
  try {
    const src = pools.pool('src');
    const dst = pools.pool('dst');
    const data = `${src}/data`;
    await sh(REAL_ZFS, 'create', data);
    await writeRandom(data, 'random.bin', options.sizeMiB * 2 ** 20);
    await sh(REAL_ZFS, 'snapshot', `${data}@s`);
    for (const root of ['cli', 'lib', 'pipe']) await sh(REAL_ZFS, 'create', `${dst}/${root}`);
    const streamBytes = Number((await sh('sh', '-c', `${REAL_ZFS} send ${data}@s | wc -c`)).trim());

    const cliJob = { name: 'datapath_cli', sourceRoot: data, rootFs: `${dst}/cli`, concurrency: 1 };
    const libJob = { name: 'datapath_lib', sourceRoot: data, rootFs: `${dst}/lib`, concurrency: 1 };
    const configFile = join(pools.dir, 'data-path.yml');
    await writeJobConfig(configFile, cliJob);
    const library = libraryJob(libJob);

    const variants: { name: DataPathVariant; run: () => Promise<void>; check: () => Promise<void>; clean: () => Promise<void> }[] = [
      {
        name: 'zfs send | zfs recv -u',
        run: () => shell(`${REAL_ZFS} send ${data}@s | ${REAL_ZFS} recv -u ${dst}/pipe/data`),
        check: () => assertSameNewest(data, `${dst}/pipe/data`),
        clean: () => destroyTree(`${dst}/pipe/data`),
      },
      {
        name: 'xrepl library',
        run: () => runLibrary(library),
        check: () => assertSameNewest(data, `${dst}/lib/${data}`),
        clean: () => destroyTree(`${dst}/lib/${data}`),
      },
      {
        name: 'zfs send > /dev/null',
        run: () => shell(`${REAL_ZFS} send ${data}@s > /dev/null`),
        check: async () => undefined,
        clean: async () => undefined,
      },
    ];
    if (options.cli) {
      if (!cliBuilt()) throw new Error('the built CLI is missing: run `npm run build` first, or pass --no-cli');
      variants.push({
        name: 'xrepl CLI',
        run: () => runCli(configFile),
        check: () => assertSameNewest(data, `${dst}/cli/${data}`),
        clean: () => destroyTree(`${dst}/cli/${data}`),
      });
    }
    const samples = { 'xrepl CLI': [], 'xrepl library': [], 'zfs send | zfs recv -u': [], 'zfs send > /dev/null': [] } as Record<DataPathVariant, number[]>;
    try {
      for (let i = 0; i < options.runs; i++) {
        // Rotate the order so no variant always runs right after the same other one.
        const order = variants.map((_, k) => variants[(k + i) % variants.length]).filter((v) => v !== undefined);
        for (const v of order) {
          const { ms } = await timed(v.run);
          await v.check();
          samples[v.name].push(ms);
          await v.clean();
        }
      }
    } finally {
      library.stop();
    }
    return { options, streamBytes, samples };
  } finally {
    await pools.destroy();
  }
}

/** The result as markdown lines. */
export function describeDataPath(r: DataPathResult): string {
  const pipe = median(r.samples['zfs send | zfs recv -u']);
  const rows = (Object.entries(r.samples) as [DataPathVariant, number[]][])
    .filter(([, s]) => s.length > 0)
    .map(([name, s]) => {
      const m = median(s);
      const mibs = r.streamBytes / 2 ** 20 / (m / 1000);
      return `| ${name.replace(/\|/g, '\\|')} | ${(m / 1000).toFixed(3)} s | ${s.map((x) => (x / 1000).toFixed(2)).join(' ')} | ${mibs.toFixed(0)} MiB/s | ${ratio(m, pipe)} |`;
    });
  return [
    `${r.options.sizeMiB} MiB of random data (a ${(r.streamBytes / 2 ** 20).toFixed(1)} MiB stream), full replication, median of ${r.options.runs} interleaved runs:`,
    '',
    '| variant | median | runs (s) | throughput | ratio to the shell pipe |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
