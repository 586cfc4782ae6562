/**
 * The built command inside the OpenZFS guest, as an operator runs it there: a local job between
 * two pools, run with the host's node. Full, incremental, nothing to do, pruning on both sides;
 * the cursor is a bookmark, an incremental works from it after its snapshot was destroyed, a held
 * snapshot survives pruning, and size estimates show as expected bytes. The tests build on each
 * other in order, as an operator's successive runs do.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunResult } from '../../src/cli/format-job-report.js';
import { CLI, ensureBuilt } from '../e2e/helpers/built-cli.js';
import { guestMounted, guestReadSnapshotFiles, guestWriteFile } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, guestRun, q, type GuestPools, type OpenZfsVm } from './helpers/openzfs-vm.js';

/** Runs the built CLI in the guest; the clone is shared read-only at the same path. */
async function guestXrepl(vm: OpenZfsVm, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return guestRun(vm, [`${vm.stateDir}/hostbin/node`, CLI, ...args].map(q).join(' '), { timeoutMs: 300_000 });
}

function jobConfig(name: string, data: string, root: string, snapshotting: string, keepSender: string): string {
  return [
    'jobs:',
    `  - name: ${name}`,
    '    type: local',
    `    filesystems: { "${data}<": true }`,
    `    root_fs: ${root}`,
    `    snapshotting: ${snapshotting}`,
    '    pruning:',
    `      keep_sender: ${keepSender}`,
    '      keep_receiver: [ { type: last_n, count: 3 } ]',
    '    replication: { concurrency: 2, initial_replication: all }',
    '    watchdog_timeout: 3m',
    '',
  ].join('\n');
}

describeOnOpenZfs('xrepl run --once inside the guest (built CLI)', (vm) => {
  let pools: GuestPools;
  let data: string;
  let root: string;
  const job = `cli_${randomBytes(2).toString('hex')}`;
  const periodic = `/tmp/${job}-periodic.yml`;
  const manual = `/tmp/${job}-manual.yml`;

  beforeAll(async () => {
    await ensureBuilt();
    pools = await createGuestPools(vm(), ['src', 'dst']);
    data = `${pools.pool('src')}/data`;
    root = `${pools.pool('dst')}/backup`;
    await guest(vm(), `zfs create ${q(data)} && zfs create ${q(`${data}/docs`)} && zfs create ${q(root)}`);
    await guestWriteFile(vm(), `${await guestMounted(vm(), `${data}/docs`)}/report.bin`, randomBytes(256 * 1024));
    const keepOne = '[ { type: not_replicated }, { type: last_n, count: 1 } ]';
    await guestWriteFile(vm(), periodic, Buffer.from(jobConfig(job, data, root, '{ type: periodic, prefix: cli_, interval: 10m }', keepOne)));
    await guestWriteFile(vm(), manual, Buffer.from(jobConfig(job, data, root, '{ type: manual }', keepOne)));
  });
  afterAll(async () => {
    await pools?.destroy();
    await guestRun(vm(), `rm -f ${q(periodic)} ${q(manual)}`);
  });

  const snapshots = async (fs: string): Promise<string[]> =>
    (await guest(vm(), `zfs list -H -o name -t snapshot -s createtxg -d 1 ${q(fs)}`))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}@`))
      .map((l) => l.slice(fs.length + 1));
  const guidOf = async (name: string): Promise<string> => (await guest(vm(), `zfs get -Hp -o value guid ${q(name)}`)).trim();
  const run = async (config: string): Promise<RunResult> => {
    const r = await guestXrepl(vm(), ['run', '--config', config, '--once', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.ok, r.stdout).toBe(true);
    return result;
  };
  const transfers = (result: RunResult) =>
    (result.jobs[0]?.report?.last?.replication?.filesystems ?? []).flatMap((f) => f.completedSteps.filter((s) => s.kind === 'transfer').map((s) => ({ fs: f.filesystem, ...s })));

  it('replicates full, then incremental, with the cursor as a bookmark and estimates as expected bytes', async () => {
    const first = await run(periodic);
    const snap1 = first.jobs[0]?.snapshotting?.snapshot ?? '';
    expect(snap1).toMatch(/^cli_/);
    const full = transfers(first);
    expect(full.map((t) => t.fs).sort()).toEqual([data, `${data}/docs`]);
    const docsFull = full.find((t) => t.fs === `${data}/docs`);
    expect(docsFull?.from).toBeUndefined();
    expect(docsFull?.expectedBytes).toBeGreaterThan(256 * 1024);
    expect(await guidOf(`${root}/${data}/docs@${snap1}`)).toBe(await guidOf(`${data}/docs@${snap1}`));
    const bookmarks = await guest(vm(), `zfs list -H -o name -t bookmark -d 1 ${q(`${data}/docs`)}`);
    expect(bookmarks).toMatch(new RegExp(`#xrepl_CURSOR_G_[0-9a-f]{16}_J_${job}`));

    await guestWriteFile(vm(), `${await guestMounted(vm(), `${data}/docs`)}/more.bin`, randomBytes(64 * 1024));
    const second = await run(periodic);
    const snap2 = second.jobs[0]?.snapshotting?.snapshot ?? '';
    const incr = transfers(second).find((t) => t.fs === `${data}/docs`);
    expect(incr?.from?.name).toBe(snap1);
    expect(incr?.expectedBytes).toBeGreaterThan(0);
    expect(await snapshots(`${root}/${data}/docs`)).toEqual([snap1, snap2]);
    // keep_sender last_n 1: the replicated older snapshot is gone from the sender.
    expect(await snapshots(`${data}/docs`)).toEqual([snap2]);
    const received = await guestReadSnapshotFiles(vm(), `${root}/${data}/docs`, snap2);
    const sent = await guestReadSnapshotFiles(vm(), `${data}/docs`, snap2);
    expect(received.get('more.bin')?.equals(sent.get('more.bin') ?? Buffer.alloc(0))).toBe(true);
  });

  it('has nothing to do when nothing changed', async () => {
    const result = await run(manual);
    expect(transfers(result)).toEqual([]);
  });

  it('sends incrementally from the cursor bookmark after the base snapshot was destroyed on the sender', async () => {
    const [base] = await snapshots(`${data}/docs`);
    expect(base).toBeDefined();
    await guest(vm(), `zfs destroy ${q(`${data}/docs@${base!}`)} && zfs snapshot ${q(`${data}/docs@manual1`)} && zfs snapshot ${q(`${data}@manual1`)}`);
    const result = await run(manual);
    const step = transfers(result).find((t) => t.fs === `${data}/docs`);
    expect(step?.from?.type).toBe('bookmark');
    expect(step?.to.name).toBe('manual1');
    expect(await guidOf(`${root}/${data}/docs@manual1`)).toBe(await guidOf(`${data}/docs@manual1`));
  });

  it('keeps a held snapshot that the rules would destroy, and says why', async () => {
    await guest(vm(), `zfs hold xrepl_test ${q(`${data}/docs@manual1`)} && zfs snapshot ${q(`${data}/docs@manual2`)}`);
    try {
      const result = await run(manual);
      expect(await snapshots(`${data}/docs`)).toEqual(['manual1', 'manual2']);
      const pruned = result.jobs[0]?.report?.last?.pruneSender?.filesystems.find((f) => f.filesystem === `${data}/docs`);
      expect(pruned?.protected).toContainEqual(expect.objectContaining({ name: 'manual1', reason: 'held' }));
    } finally {
      await guest(vm(), `zfs release xrepl_test ${q(`${data}/docs@manual1`)}`);
    }
  });
});
