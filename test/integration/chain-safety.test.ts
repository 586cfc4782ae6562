/**
 * Chain safety on real zfs-fuse pools (cursors as user properties): a later step that fails leaves
 * the cursor at the newest received snapshot and last_n cannot break the chain; two jobs sending
 * from the same filesystem keep each other's cursor snapshots; a job spanning two pools gets a
 * snapshot on each. The failure is injected at the endpoint (a send refused), everything else is
 * real zfs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { EndpointError } from '../../src/domain/errors.js';
import { cursorPropertyName } from '../../src/endpoint/cursor.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { listPruneSide, pruneSideDryRun } from '../../src/cli/prune-dry-run.js';
import { createTestPools, describeWithZfs, sh, type TestPools } from './helpers/real-zfs.js';
import type { KeepRuleConfig } from '../../src/pruning/keep-rule-schema.js';

const live = (): AbortSignal => new AbortController().signal;

describeWithZfs('chain safety on real zfs-fuse pools', () => {
  let pools: TestPools;
  let n = 0;

  beforeAll(async () => {
    pools = await createTestPools(['csrc', 'cdst', 'cdst2', 'cother']);
    for (const [pool, fs] of [['csrc', 'data'], ['cdst', 'backup'], ['cdst2', 'backup'], ['cother', 'data']] as const) await sh('zfs', 'create', `${pools.pool(pool)}/${fs}`);
  }, 120_000);
  afterAll(async () => {
    await pools?.destroy();
  }, 120_000);

  const fresh = async (snapshots: string[]): Promise<string> => {
    const fs = `${pools.pool('csrc')}/data/f${++n}`;
    await sh('zfs', 'create', fs);
    for (const s of snapshots) await sh('zfs', 'snapshot', `${fs}@${s}`);
    return fs;
  };
  const snapshotNames = async (fs: string): Promise<string[]> =>
    (await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', fs))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}@`))
      .map((l) => l.slice(fs.length + 1));
  const senderOf = (fs: string): Endpoint => createZfsEndpoint({ role: 'sender', filter: { matches: (p) => p === fs }, roots: [fs] });
  const receiverAt = (pool: string): Endpoint => createZfsEndpoint({ role: 'receiver', rootFs: `${pools.pool(pool)}/backup` });

  it('after a later step fails, the cursor covers the newest received snapshot and last_n keeps the chain', async () => {
    const fs = await fresh(['s1']);
    const real = senderOf(fs);
    let refuse = false;
    // The send of s3 is refused (as a permanent error would), everything else runs on real zfs.
    const sender: Endpoint = {
      ...real,
      send: async (request, signal) => {
        if (refuse && request.to.name === 's3') throw new EndpointError('injected: send refused', { kind: 'injected', errorClass: 'permanent', dataset: fs });
        return real.send(request, signal);
      },
    };
    const job = createReplicationJob({
      name: 'chain',
      sender,
      receiver: receiverAt('cdst'),
      initialReplication: 'all',
      keepSender: [{ type: 'last_n', count: 1 }],
      keepReceiver: [{ type: 'last_n', count: 1 }],
      retry: { maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 100 },
    });
    expect((await job.runOnce()).last?.ok).toBe(true);
    await sh('zfs', 'snapshot', `${fs}@s2`);
    await sh('zfs', 'snapshot', `${fs}@s3`);
    refuse = true;
    const broken = await job.runOnce();
    expect(broken.last?.ok).toBe(false);
    // The cursor moved to s2 although s3 failed, and s2 stays on both sides.
    expect((await real.listReplicationCursors('chain', live())).get(fs)?.name).toBe('s2');
    expect(await snapshotNames(fs)).toContain('s2');
    expect(await snapshotNames(`${pools.pool('cdst')}/backup/${fs}`)).toEqual(['s2']);
    refuse = false;
    const next = await job.runOnce();
    job.stop();
    expect(next.last?.ok, JSON.stringify(next.last?.replication, null, 1)).toBe(true);
    expect(await snapshotNames(`${pools.pool('cdst')}/backup/${fs}`)).toEqual(['s3']);
  }, 120_000);

  it("two jobs from one filesystem: one job's last_n never destroys the other's cursor snapshot, and dry runs say whose", async () => {
    const fs = await fresh(['s1', 's2']);
    const b = createReplicationJob({ name: 'Offsite_b', sender: senderOf(fs), receiver: receiverAt('cdst2'), initialReplication: 'all' });
    expect((await b.runOnce()).last?.ok).toBe(true);
    await sh('zfs', 'snapshot', `${fs}@s3`);
    await sh('zfs', 'snapshot', `${fs}@s4`);
    const keepSender: KeepRuleConfig[] = [{ type: 'not_replicated' }, { type: 'last_n', count: 1 }];
    const a = createReplicationJob({ name: 'local', sender: senderOf(fs), receiver: receiverAt('cdst'), initialReplication: 'all', keepSender });
    expect((await a.runOnce()).last?.ok).toBe(true);
    a.stop();
    expect(await snapshotNames(fs)).toEqual(['s2', 's4']);
    expect((await sh('zfs', 'get', '-H', '-o', 'value', cursorPropertyName('Offsite_b'), `${fs}@s2`)).trim()).not.toBe('-');
    // A dry run of a's sender pruning now shows b's cursor snapshot as protected, and by whom.
    const listing = await listPruneSide({ sender: senderOf(fs), receiver: receiverAt('cdst') }, 'sender', 'local', live());
    const dry = pruneSideDryRun(listing, keepSender, 'sender', 'local', Date.now(), 'jobs[0].pruning.keep_sender');
    expect(dry.filesystems.find((f) => f.filesystem === fs)?.protected).toContainEqual({ name: 's2', reason: 'cursor of another job', job: 'Offsite_b' });
    // b goes on incrementally from its cursor.
    const again = await b.runOnce();
    b.stop();
    expect(again.last?.ok, JSON.stringify(again.last?.replication, null, 1)).toBe(true);
    expect(await snapshotNames(`${pools.pool('cdst2')}/backup/${fs}`)).toEqual(['s1', 's2', 's4']);
  }, 120_000);

  it('a job spanning two pools gets its snapshot on each', async () => {
    const one = `${pools.pool('csrc')}/data/two${++n}`;
    const two = `${pools.pool('cother')}/data/two${n}`;
    await sh('zfs', 'create', one);
    await sh('zfs', 'create', two);
    const sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, one) || isSameOrBelow(p, two) }, roots: [one, two] });
    await sender.createSnapshots([one, two], 'xrepl_both', live());
    expect(await snapshotNames(one)).toEqual(['xrepl_both']);
    expect(await snapshotNames(two)).toEqual(['xrepl_both']);
  }, 60_000);
});
