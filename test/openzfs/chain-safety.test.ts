/**
 * Chain safety and busy targets on real OpenZFS, where cursors are bookmarks: two jobs sending
 * from one filesystem keep each other's cursors (bookmarks and the snapshots they name), and each
 * goes on incrementally after the other pruned; a job spanning two pools gets its snapshot on each; a
 * receive into a target that another receive holds is a transient `dataset-busy` that a rerun
 * gets past once the other receive is gone. The zfs-fuse versions (property cursors) are in
 * test/integration/chain-safety.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listPruneSide, pruneSideDryRun } from '../../src/cli/prune-dry-run.js';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { parseCursorBookmarkName } from '../../src/endpoint/cursor.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import type { KeepRuleConfig } from '../../src/pruning/keep-rule-schema.js';
import type { InvocationReport } from '../../src/report/job-report.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import type { ReplicationJobOptions } from '../../src/runner/job-options.js';
import { guestMounted } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, guestRun, q, vmTransport, type GuestPools } from './helpers/openzfs-vm.js';

const live = (): AbortSignal => new AbortController().signal;

describeOnOpenZfs('chain safety and busy targets', (vm) => {
  let pools: GuestPools;
  let n = 0;

  beforeAll(async () => {
    pools = await createGuestPools(vm(), ['src', 'dst', 'dst2', 'other'], '256M');
    await guest(
      vm(),
      [`${pools.pool('src')}/data`, `${pools.pool('dst')}/backup`, `${pools.pool('dst2')}/backup`, `${pools.pool('other')}/data`].map((fs) => `zfs create ${q(fs)}`).join(' && '),
    );
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  const fresh = async (snapshots: readonly string[]): Promise<string> => {
    const fs = `${pools.pool('src')}/data/f${++n}`;
    await guest(vm(), [`zfs create ${q(fs)}`, ...snapshots.map((s) => `zfs snapshot ${q(`${fs}@${s}`)}`)].join(' && '));
    return fs;
  };
  const names = async (fs: string, type: 'snapshot' | 'bookmark'): Promise<string[]> =>
    (await guest(vm(), `zfs list -H -o name -t ${type} -s createtxg -d 1 ${q(fs)}`))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}${type === 'snapshot' ? '@' : '#'}`))
      .map((l) => l.slice(fs.length + 1));
  const guidOf = async (name: string): Promise<string> => (await guest(vm(), `zfs get -Hp -o value guid ${q(name)}`)).trim();
  const senderOf = (fs: string): Endpoint => createZfsEndpoint({ role: 'sender', transport: vmTransport(vm()), filter: { matches: (p) => p === fs }, roots: [fs] });
  const receiverAt = (pool: string): Endpoint => createZfsEndpoint({ role: 'receiver', transport: vmTransport(vm()), rootFs: `${pools.pool(pool)}/backup` });
  const runOnce = async (options: ReplicationJobOptions): Promise<InvocationReport> => {
    const job = createReplicationJob({ watchdogTimeoutMs: 120_000, ...options });
    try {
      const report = (await job.runOnce()).last;
      if (report === undefined) throw new Error('the job reported no invocation');
      return report;
    } finally {
      job.stop();
    }
  };

  it("two jobs from one filesystem: one job's pruning keeps the other's cursor bookmark and its snapshot, and the other goes on incrementally", async () => {
    const fs = await fresh(['s1', 's2']);
    const b: ReplicationJobOptions = { name: 'Offsite_b', sender: senderOf(fs), receiver: receiverAt('dst2'), initialReplication: 'all', keepSender: [], keepReceiver: [] };
    expect((await runOnce(b)).ok).toBe(true);
    const cursorsOf = async (job: string): Promise<string[]> => (await names(fs, 'bookmark')).filter((bm) => parseCursorBookmarkName(bm)?.jobId === job);
    const bCursor = await cursorsOf('Offsite_b');
    expect(bCursor).toHaveLength(1);
    expect(await guidOf(`${fs}#${bCursor[0]}`)).toBe(await guidOf(`${fs}@s2`));

    await guest(vm(), `zfs snapshot ${q(`${fs}@s3`)} && zfs snapshot ${q(`${fs}@s4`)}`);
    const keepSender: KeepRuleConfig[] = [{ type: 'not_replicated' }, { type: 'last_n', count: 1 }];
    const a = await runOnce({ name: 'local', sender: senderOf(fs), receiver: receiverAt('dst'), initialReplication: 'all', keepSender, keepReceiver: [] });
    expect(a.ok, JSON.stringify(a, null, 1)).toBe(true);
    // a pruned what its rules let go, but not the snapshot of b's cursor (b could send from its
    // bookmark, yet no job's pruner destroys what another job's cursor names), nor b's bookmark.
    expect(await names(fs, 'snapshot')).toEqual(['s2', 's4']);
    expect(await cursorsOf('Offsite_b')).toEqual(bCursor);
    expect(await cursorsOf('local')).toHaveLength(1);
    // A dry run of a's sender pruning shows that snapshot as protected, and by whom.
    const listing = await listPruneSide({ sender: senderOf(fs), receiver: receiverAt('dst') }, 'sender', 'local', live());
    const dry = pruneSideDryRun(listing, keepSender, 'sender', 'local', Date.now(), 'jobs[0].pruning.keep_sender');
    expect(dry.filesystems.find((f) => f.filesystem === fs)?.protected).toContainEqual({ name: 's2', reason: 'cursor of another job', job: 'Offsite_b' });

    const again = await runOnce(b);
    expect(again.ok, JSON.stringify(again.replication, null, 1)).toBe(true);
    const received = `${pools.pool('dst2')}/backup/${fs}`;
    expect(await names(received, 'snapshot')).toEqual(['s1', 's2', 's4']);
    expect(await guidOf(`${received}@s4`)).toBe(await guidOf(`${fs}@s4`));
    // b's cursor moved to s4; the old one is gone.
    const moved = await cursorsOf('Offsite_b');
    expect(moved).toHaveLength(1);
    expect(await guidOf(`${fs}#${moved[0]}`)).toBe(await guidOf(`${fs}@s4`));
  });

  it('a job spanning two pools gets its snapshot on each', async () => {
    const one = `${pools.pool('src')}/data/two${++n}`;
    const two = `${pools.pool('other')}/data/two${n}`;
    await guest(vm(), `zfs create ${q(one)} && zfs create ${q(two)}`);
    const sender = createZfsEndpoint({
      role: 'sender',
      transport: vmTransport(vm()),
      filter: { matches: (p) => isSameOrBelow(p, one) || isSameOrBelow(p, two) },
      roots: [one, two],
    });
    await sender.createSnapshots([one, two], 'xrepl_both', live());
    expect(await names(one, 'snapshot')).toEqual(['xrepl_both']);
    expect(await names(two, 'snapshot')).toEqual(['xrepl_both']);
    // One creation txg per pool: each pool's snapshots were taken atomically, apart from the other's.
    expect(await guidOf(`${one}@xrepl_both`)).not.toBe(await guidOf(`${two}@xrepl_both`));
  });

  it('a receive into a target that another receive holds is a transient dataset-busy, and a rerun converges once it is gone', async () => {
    const fs = await fresh([]);
    await guest(vm(), `head -c 1048576 /dev/urandom > ${q(`${await guestMounted(vm(), fs)}/a.bin`)} && zfs snapshot ${q(`${fs}@s1`)}`);
    const job: ReplicationJobOptions = {
      name: 'busy',
      sender: senderOf(fs),
      receiver: receiverAt('dst'),
      keepSender: [],
      keepReceiver: [],
      retry: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 400 },
    };
    expect((await runOnce(job)).ok).toBe(true);
    await guest(vm(), `head -c 1048576 /dev/urandom > ${q(`${await guestMounted(vm(), fs)}/b.bin`)} && zfs snapshot ${q(`${fs}@s2`)}`);
    const target = `${pools.pool('dst')}/backup/${fs}`;
    // Someone else's incremental receive into the same target, fed a first chunk and then kept waiting.
    const marker = `${60_000 + Math.floor(Math.random() * 1000)}.${randomBytes(2).readUInt16BE()}`;
    await guest(
      vm(),
      `nohup sh -c ${q(`zfs send -i @s1 ${q(`${fs}@s2`)} | { head -c 65536; sleep ${marker}; } | zfs receive -u ${q(target)}`)} </dev/null >/dev/null 2>&1 &` +
        ` for i in $(seq 1 100); do zfs list -H -o name -t all ${q(`${target}/%recv`)} >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1`,
    );
    try {
      const refused = await runOnce(job);
      expect(refused.ok).toBe(false);
      const entry = refused.replication?.filesystems.find((f) => f.filesystem === fs);
      expect(entry?.problem?.kind, JSON.stringify(entry)).toBe('dataset-busy');
      expect(entry?.attempts).toBe(2);
      expect(await names(target, 'snapshot')).toEqual(['s1']);
    } finally {
      await guestRun(vm(), `pkill -f ${q(`[s]leep ${marker}`)}; for i in $(seq 1 100); do pgrep -f ${q(`[z]fs receive -u ${target}`)} >/dev/null || exit 0; sleep 0.2; done`);
    }
    const rerun = await runOnce(job);
    expect(rerun.ok, JSON.stringify(rerun.replication?.filesystems)).toBe(true);
    expect(await guidOf(`${target}@s2`)).toBe(await guidOf(`${fs}@s2`));
  });
});
