/**
 * The whole engine on real zfs-fuse pools: the job (replication machine, filesystem machines,
 * pruners) driving the real ZFS endpoint. Real files, snapshots, a full then an incremental run,
 * the received data compared byte for byte, a run with nothing to do that changes nothing, and a
 * stuck transfer cancelled by the watchdog with pruning still run, then a rerun that converges, and
 * a parent and its child replicated for the first time together, parent first.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { createTestPools, describeWithZfs, mounted, noProcessesLeft, readSnapshotFiles, sh, type TestPools } from './helpers/real-zfs.js';

const live = (): AbortSignal => new AbortController().signal;

describeWithZfs('replication job on real zfs-fuse pools', () => {
  let pools: TestPools;
  let data: string;
  let root: string;
  let sender: Endpoint;
  let receiver: Endpoint;
  const children = ['a', 'b', 'c'];

  beforeAll(async () => {
    pools = await createTestPools(['jsrc', 'jdst']);
    data = `${pools.pool('jsrc')}/data`;
    root = `${pools.pool('jdst')}/backup`;
    await sh('zfs', 'create', data);
    await sh('zfs', 'create', root);
    for (const c of children) {
      await sh('zfs', 'create', `${data}/${c}`);
      await writeFile(join(await mounted(`${data}/${c}`), 'payload.bin'), randomBytes(256 * 1024));
      await sh('zfs', 'snapshot', `${data}/${c}@s1`);
      await writeFile(join(await mounted(`${data}/${c}`), 'second.bin'), randomBytes(64 * 1024));
      await sh('zfs', 'snapshot', `${data}/${c}@s2`);
    }
    sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, data) }, roots: [data] });
    receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  const snapshots = async (ep: Endpoint, fs: string) =>
    ((await ep.listVersions([fs], live())).get(fs) ?? []).filter((v) => v.type === 'snapshot');

  const expectReplicated = async (fs: string, snapshot: string, from: Endpoint = sender) => {
    const sent = await readSnapshotFiles(fs, snapshot);
    const received = await readSnapshotFiles(`${root}/${fs}`, snapshot);
    expect([...received.keys()].sort()).toEqual([...sent.keys()].sort());
    for (const [name, bytes] of sent) expect(received.get(name)?.equals(bytes), `${fs}@${snapshot}: ${name} differs`).toBe(true);
    const senderGuid = (await snapshots(from, fs)).find((v) => v.name === snapshot)?.guid;
    expect((await snapshots(receiver, fs)).find((v) => v.name === snapshot)?.guid).toBe(senderGuid);
  };

  it('replicates full then incremental with the job, byte for byte, and a run with nothing to do changes nothing', async () => {
    const job = createReplicationJob({
      name: 'zfsjob',
      sender,
      receiver,
      initialReplication: 'all',
      keepSender: [{ type: 'not_replicated' }, { type: 'last_n', count: 2 }],
      keepReceiver: [{ type: 'last_n', count: 10 }],
    });
    const first = await job.runOnce();
    expect(first.last?.ok, JSON.stringify(first.last, null, 1)).toBe(true);
    for (const c of children) await expectReplicated(`${data}/${c}`, 's2');

    for (const c of children) {
      await writeFile(join(await mounted(`${data}/${c}`), 'payload.bin'), randomBytes(128 * 1024));
      await sh('zfs', 'snapshot', `${data}/${c}@s3`);
    }
    const second = await job.runOnce();
    expect(second.last?.ok, JSON.stringify(second.last, null, 1)).toBe(true);
    for (const c of children) {
      await expectReplicated(`${data}/${c}`, 's3');
      const fs = second.last?.replication?.filesystems.find((f) => f.filesystem === `${data}/${c}`);
      expect(fs?.completedSteps.map((s) => [s.from?.name, s.to.name])).toEqual([['s2', 's3']]);
    }
    // The sender keeps the two newest (last_n 2) and nothing unreplicated is lost.
    expect((await snapshots(sender, `${data}/a`)).map((v) => v.name)).toEqual(['s2', 's3']);

    const before = await sh('zfs', 'get', '-Hp', '-r', '-o', 'name,value', 'guid', root);
    const third = await job.runOnce();
    expect(third.last?.ok).toBe(true);
    expect(third.last?.replication?.filesystems.every((f) => f.completedSteps.length === 0)).toBe(true);
    expect(await sh('zfs', 'get', '-Hp', '-r', '-o', 'name,value', 'guid', root)).toBe(before);
    job.stop();
    expect(await noProcessesLeft(pools.tag)).toEqual([]);
  });

  it('cancels a transfer that stops making progress, still prunes, and the next run converges', async () => {
    const fs = `${data}/stuck`;
    await sh('zfs', 'create', fs);
    await writeFile(join(await mounted(fs), 'payload.bin'), randomBytes(512 * 1024));
    await sh('zfs', 'snapshot', `${fs}@s1`);
    // A receiver whose first receive never reads its stream: the zfs send blocks on a full pipe.
    let stall = true;
    const stalling: Endpoint = Object.create(receiver) as Endpoint;
    stalling.receive = async (request, signal) => {
      if (!stall) return receiver.receive(request, signal);
      stall = false;
      await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    };
    const job = createReplicationJob({ name: 'stuckjob', sender, receiver: stalling, watchdogTimeoutMs: 3_000, keepReceiver: [{ type: 'last_n', count: 5 }] });
    const first = await job.runOnce();
    expect(first.last?.watchdog?.[0]?.cancelled).toBe('replication');
    expect(first.last?.pruneSender?.state).toBe('done');
    expect(first.last?.pruneReceiver?.state).toBe('done');
    expect(await noProcessesLeft(pools.tag)).toEqual([]);
    const second = await job.runOnce();
    expect(second.last?.ok, JSON.stringify(second.last, null, 1)).toBe(true);
    await expectReplicated(fs, 's1');
    job.stop();
  });

  it('replicates a parent and its child for the first time at concurrency 2, parent first, both on their first attempt', async () => {
    // Neither exists on the receiver: received together, the child's full receive would make the
    // parent a placeholder under the parent's own receive, which then fails and waits for a retry.
    const tree = `${pools.pool('jsrc')}/tree`;
    const parent = `${tree}/p`;
    const child = `${parent}/child`;
    await sh('zfs', 'create', tree);
    await sh('zfs', 'create', parent);
    await writeFile(join(await mounted(parent), 'payload.bin'), randomBytes(16 * 2 ** 20));
    await sh('zfs', 'snapshot', `${parent}@s1`);
    await sh('zfs', 'create', child);
    await writeFile(join(await mounted(child), 'payload.bin'), randomBytes(256 * 1024));
    await sh('zfs', 'snapshot', `${child}@s1`);
    const treeSender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, parent) }, roots: [parent] });
    const job = createReplicationJob({
      name: 'treejob',
      sender: treeSender,
      receiver,
      initialReplication: 'all',
      concurrency: 2,
      keepSender: [{ type: 'last_n', count: 10 }],
      keepReceiver: [{ type: 'last_n', count: 10 }],
    });
    const childBlockedOn = new Set<string>();
    const sub = job.report$.subscribe((r) => {
      const b = r.current?.replication?.filesystems.find((f) => f.filesystem === child)?.blockedOn;
      if (b) childBlockedOn.add(JSON.stringify(b));
    });
    const report = await job.runOnce();
    sub.unsubscribe();
    job.stop();
    expect(report.last?.ok, JSON.stringify(report.last, null, 1)).toBe(true);
    expect([...childBlockedOn]).toContain(JSON.stringify({ kind: 'parent-initial-replication', filesystem: parent }));
    expect(report.last?.replication?.filesystems.map((f) => [f.filesystem, f.state, f.attempts])).toEqual([
      [parent, 'completed', 0],
      [child, 'completed', 0],
    ]);
    await expectReplicated(parent, 's1', treeSender);
    await expectReplicated(child, 's1', treeSender);
  });
});
