/**
 * Replication between two machines over a real loopback sshd, 21 datasets on zfs-fuse: a push into
 * an `xrepl serve` sink and a pull from a source (`connect: ssh+stdinserver`, one login forced
 * into the server), against the same job run locally and against zfs over ssh (one ControlMaster
 * connection per peer), and syncoid over ssh where it runs. Initial, incremental and nothing to
 * do; wall time of the built CLI (one process per run) and the ssh logins of each run, counted in
 * the sshd's log.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { startTestSshd, type TestSshd } from '../test/helpers/test-sshd.js';
import { CLI_PATH, cliBuilt } from './lib/xrepl-runner.js';
import { assertSameNewest, createBenchPools, destroyTree, mounted, REAL_ZFS, sh } from './lib/real-zfs.js';
import { median, ratio, timed } from './lib/stats.js';
import { syncoidInstalled } from './many-datasets.js';

/** Options of {@link runRemoteBenchmark}. */
export interface RemoteOptions {
  children: number;
  snapshots: number;
  kibPerDataset: number;
  /** Timed rounds (each starts with fresh targets). */
  rounds: number;
  syncoid: boolean;
}

/** The ways compared. */
export const REMOTE_TOOLS = ['local job', 'push to sink', 'push zfs over ssh', 'pull from source', 'pull zfs over ssh', 'syncoid push over ssh'] as const;
export type RemoteTool = (typeof REMOTE_TOOLS)[number];
const PHASES = ['initial', 'incremental', 'nothing to do'] as const;
export type RemotePhase = (typeof PHASES)[number];

/** One run: its time and logins, or why it failed. */
export interface RemoteRun {
  ms: number;
  logins: number;
  error?: string | undefined;
}

/** What {@link runRemoteBenchmark} measured. */
export interface RemoteResult {
  options: RemoteOptions;
  runs: Partial<Record<RemoteTool, Record<RemotePhase, RemoteRun[]>>>;
}

/** Runs the benchmark on pools and an sshd of its own, all removed afterwards. */
export async function runRemoteBenchmark(options: RemoteOptions): Promise<RemoteResult> {
  if (!cliBuilt()) throw new Error(`${CLI_PATH} is missing: run npm run build first`);
  const datasets = options.children + 1;
  // dst holds six targets of the tree; zfs-fuse needs room to spare (the images are sparse).
  const pools = await createBenchPools(['src', 'dst'], Math.max(1024 * 2 ** 20, datasets * options.kibPerDataset * 1024 * 40));
  let sshd: TestSshd | undefined;
  try {
    const src = pools.pool('src');
    const dst = pools.pool('dst');
    const tree = `${src}/tree`;
    const names = ['', ...Array.from({ length: options.children }, (_, i) => `/c${String(i + 1).padStart(2, '0')}`)];
    const sourceFs = names.map((n) => `${tree}${n}`);
    for (const fs of sourceFs) await sh(REAL_ZFS, 'create', fs);
    const writeAll = async (file: string, bytes: number): Promise<void> => {
      for (const fs of sourceFs) await writeFile(join(await mounted(fs), file), randomBytes(bytes));
    };
    const perSnapshot = Math.floor((options.kibPerDataset * 1024) / options.snapshots);
    for (let s = 1; s <= options.snapshots; s++) {
      await writeAll(`file${s}.bin`, perSnapshot);
      await sh(REAL_ZFS, 'snapshot', '-r', `${tree}@s${s}`);
    }
    for (const root of ['lo', 'sink', 'pz', 'qs', 'qz', 'sy']) await sh(REAL_ZFS, 'create', `${dst}/${root}`);

    const serveConfig = join(pools.dir, 'serve.yml');
    await writeFile(
      serveConfig,
      ['jobs:', '  - name: backups', '    type: sink', `    root_fs: ${dst}/sink`, '  - name: export', '    type: source', `    filesystems: { "${tree}<": true }`, ''].join('\n'),
    );
    const forced = (job: string): string => `command="${process.execPath} ${CLI_PATH} serve --stdio --client bench --config ${serveConfig} --job ${job}",restrict`;
    // The default key logs in without a forced command: zfs over ssh and syncoid need a shell.
    sshd = await startTestSshd({ clients: { sink: forced('backups'), source: forced('export') } });
    const server = sshd;

    const connect = (type: 'ssh' | 'ssh+stdinserver', key: string): string[] => [
      '    connect:',
      `      type: ${type}`,
      `      host: ${server.host}`,
      `      port: ${server.port}`,
      `      user: ${server.user}`,
      `      identity_file: ${key}`,
      `      options: [ ${server.options.map((o) => JSON.stringify(o)).join(', ')} ]`,
    ];
    const job = async (file: string, type: 'local' | 'push' | 'pull', rootFs: string, connectLines: string[] = []): Promise<string> => {
      const path = join(pools.dir, file);
      await writeFile(
        path,
        [
          'global:',
          '  logging: { level: error, format: json }',
          'jobs:',
          `  - name: ${file.replace(/\W/g, '_')}`,
          `    type: ${type}`,
          ...connectLines,
          `    filesystems: { "${tree}<": true }`,
          `    root_fs: ${rootFs}`,
          '    snapshotting: { type: manual }',
          '    pruning: { keep_sender: [], keep_receiver: [] }',
          '    replication: { concurrency: 1, initial_replication: most_recent }',
          '',
        ].join('\n'),
      );
      return path;
    };
    const cli = async (config: string): Promise<void> => {
      const r = await execa('node', [CLI_PATH, 'run', '--config', config, '--once', '--log-level', 'error'], { reject: false });
      if (r.exitCode !== 0) throw new Error(`xrepl run exited ${r.exitCode}: ${r.stderr}\n${r.stdout}`.slice(0, 2000));
    };
    const syncoid = async (): Promise<void> => {
      const args = ['-r', '--no-sync-snap', '--no-resume', '--quiet', `--sshkey=${server.identityFile}`, `--sshport=${server.port}`, ...server.options.map((o) => `--sshoption=${o}`)];
      const r = await execa('syncoid', [...args, tree, `${server.user}@${server.host}:${dst}/sy/tree`], { reject: false });
      if (r.exitCode !== 0) throw new Error(`syncoid exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ')}`);
    };

    const tools: { tool: RemoteTool; run: () => Promise<void>; target: string; reset: string }[] = [
      { tool: 'local job', run: async () => cli(await job('local.yml', 'local', `${dst}/lo`)), target: `${dst}/lo/${tree}`, reset: `${dst}/lo/${src}` },
      { tool: 'push to sink', run: async () => cli(await job('sink.yml', 'push', `${dst}/unused`, connect('ssh+stdinserver', server.identityFiles.sink!))), target: `${dst}/sink/bench/${tree}`, reset: `${dst}/sink/bench` },
      { tool: 'push zfs over ssh', run: async () => cli(await job('pz.yml', 'push', `${dst}/pz`, connect('ssh', server.identityFile))), target: `${dst}/pz/${tree}`, reset: `${dst}/pz/${src}` },
      { tool: 'pull from source', run: async () => cli(await job('qs.yml', 'pull', `${dst}/qs`, connect('ssh+stdinserver', server.identityFiles.source!))), target: `${dst}/qs/${tree}`, reset: `${dst}/qs/${src}` },
      { tool: 'pull zfs over ssh', run: async () => cli(await job('qz.yml', 'pull', `${dst}/qz`, connect('ssh', server.identityFile))), target: `${dst}/qz/${tree}`, reset: `${dst}/qz/${src}` },
    ];
    if (options.syncoid && (await syncoidInstalled())) tools.push({ tool: 'syncoid push over ssh', run: syncoid, target: `${dst}/sy/tree`, reset: `${dst}/sy/tree` });

    const runs: RemoteResult['runs'] = {};
    for (const t of tools) runs[t.tool] = { initial: [], incremental: [], 'nothing to do': [] };
    let newest = `s${options.snapshots}`;
    for (let round = 0; round < options.rounds; round++) {
      for (const t of tools) await destroyTree(t.reset);
      for (const phase of PHASES) {
        if (phase === 'incremental') {
          newest = `r${round}`;
          await writeAll(`round${round}.bin`, 64 * 1024);
          await sh(REAL_ZFS, 'snapshot', '-r', `${tree}@${newest}`);
        }
        // Rotate the order by round and phase so no tool always goes first.
        const shift = round + PHASES.indexOf(phase);
        for (let k = 0; k < tools.length; k++) {
          const t = tools[(k + shift) % tools.length]!;
          const before = server.logins();
          let error: string | undefined;
          const { ms } = await timed(async () => {
            try {
              await t.run();
            } catch (e) {
              error = e instanceof Error ? e.message : String(e);
            }
          });
          if (error === undefined) await assertSameNewest(tree, t.target);
          // sshd logs a login a moment after it accepted it.
          await new Promise((r) => setTimeout(r, 100));
          runs[t.tool]![phase].push({ ms, logins: server.logins() - before, error });
        }
      }
    }
    return { options, runs };
  } finally {
    await sshd?.stop();
    await pools.destroy();
  }
}

/** The result as markdown. */
export function describeRemote(r: RemoteResult): string {
  const ok = (rs: readonly RemoteRun[]): RemoteRun[] => rs.filter((x) => x.error === undefined);
  const med = (tool: RemoteTool, phase: RemotePhase): number => {
    const good = ok(r.runs[tool]?.[phase] ?? []);
    return good.length > 0 ? median(good.map((x) => x.ms)) : Number.NaN;
  };
  const rows: string[] = [];
  const failures = new Set<string>();
  for (const phase of PHASES) {
    for (const tool of REMOTE_TOOLS) {
      const rs = r.runs[tool]?.[phase];
      if (rs === undefined) continue;
      for (const x of rs) if (x.error !== undefined) failures.add(`${tool}, ${phase}: ${x.error}`);
      const t = med(tool, phase);
      const failed = rs.length - ok(rs).length;
      rows.push(
        `| ${phase} | ${tool} | ${Number.isNaN(t) ? 'failed' : `${(t / 1000).toFixed(3)} s`} | ${rs.map((x) => (x.error === undefined ? (x.ms / 1000).toFixed(2) : 'fail')).join(' ')} | ${rs.map((x) => x.logins).join(' ')} | ${ratio(t, med('local job', phase))} |${failed > 0 ? ` ${failed} failed` : ''}`,
      );
    }
  }
  return [
    `${r.options.children + 1} datasets (a parent and ${r.options.children} children), ${r.options.snapshots} snapshots and about ${r.options.kibPerDataset} KiB each, 64 KiB more per dataset for the incremental; the built CLI, one process per run, concurrency 1, no pruning; median of ${r.options.rounds} rounds, each with fresh targets:`,
    '',
    '| run | tool | median | runs (s) | ssh logins per run | × local job |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...(failures.size > 0 ? ['', 'Failures:', ...[...failures].map((f) => `- ${f}`)] : []),
  ].join('\n');
}
