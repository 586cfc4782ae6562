/**
 * Real transfers between zfs-fuse pools through the real endpoint: sender.send() streamed into
 * receiver.receive(), files compared byte for byte, and the faults a transfer meets (the send
 * process killed, a failing receive, a held snapshot, an abort), each followed by a rerun that
 * converges with nothing lost and no zfs process left behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { EndpointError } from '../../src/domain/errors.js';
import type { ListedVersion } from '../../src/domain/version.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { snapshotName } from '../../src/endpoint/snapshot-name.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { retryWhileBusy } from './helpers/retry-while-busy.js';
import { createTestPools, describeWithZfs, mounted, noProcessesLeft, processesMentioning, readSnapshotFiles, sh, type TestPools } from './helpers/real-zfs.js';
import { slowTap, whenTrue } from './helpers/streams.js';

const live = (): AbortSignal => new AbortController().signal;

describeWithZfs('real transfers between zfs-fuse pools', () => {
  let pools: TestPools;
  let data: string;
  let root: string;
  let sender: Endpoint;
  let receiver: Endpoint;

  beforeAll(async () => {
    pools = await createTestPools(['src', 'dst']);
    data = `${pools.pool('src')}/data`;
    root = `${pools.pool('dst')}/backup`;
    await sh('zfs', 'create', data);
    await sh('zfs', 'create', root);
    sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, data) }, roots: [data] });
    receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  const snapshotsOf = async (ep: Endpoint, fs: string): Promise<ListedVersion[]> =>
    ((await ep.listVersions([fs], live())).get(fs) ?? []).filter((v) => v.type === 'snapshot');
  const newestOf = async (fs: string): Promise<ListedVersion> => {
    const list = await snapshotsOf(sender, fs);
    const v = list[list.length - 1];
    if (v === undefined) throw new Error(`test setup: ${fs} has no snapshot`);
    return v;
  };
  const transfer = async (fs: string, to: ListedVersion, from?: ListedVersion): Promise<void> => {
    const stream = await sender.send({ filesystem: fs, to, from }, live());
    await receiver.receive({ filesystem: fs, to, from, stream }, live());
  };
  const rerun = (fs: string, to: ListedVersion, from?: ListedVersion): Promise<void> =>
    retryWhileBusy(() => transfer(fs, to, from));
  const expectSameFiles = async (fs: string, snapshot: string): Promise<void> => {
    const sent = await readSnapshotFiles(fs, snapshot);
    const received = await readSnapshotFiles(`${root}/${fs}`, snapshot);
    expect([...received.keys()]).toEqual([...sent.keys()]);
    for (const [name, bytes] of sent) expect(received.get(name)?.equals(bytes), `file ${name} differs`).toBe(true);
  };
  const makeFilesystem = async (name: string, megabytes: number): Promise<string> => {
    const fs = `${data}/${name}`;
    await sh('zfs', 'create', fs);
    await writeFile(join(await mounted(fs), 'payload.bin'), randomBytes(megabytes * 1024 * 1024));
    await sh('zfs', 'snapshot', `${fs}@s1`);
    return fs;
  };
  const expectNoZfsLeft = async (): Promise<void> => {
    expect(await noProcessesLeft(pools.tag)).toEqual([]);
  };

  it('replicates real files full then incremental, byte for byte, across a tree of filesystems', async () => {
    const top = `${data}/tree`;
    const child = `${top}/child with space`;
    await sh('zfs', 'create', top);
    await sh('zfs', 'create', child);
    const topDir = await mounted(top);
    await writeFile(join(topDir, 'random.bin'), randomBytes(1024 * 1024));
    await writeFile(join(topDir, 'empty'), new Uint8Array(0));
    await mkdir(join(topDir, 'dir'));
    await writeFile(join(topDir, 'dir', 'nested.txt'), 'nested\n');
    await writeFile(join(await mounted(child), 'note.txt'), 'a child filesystem\n');
    const first = snapshotName('xrepl_', new Date(Date.UTC(2026, 10, 26, 9, 30, 0, 0)));
    await sender.createSnapshots([top, child], first, live());
    for (const fs of [top, child]) await transfer(fs, await newestOf(fs));
    for (const fs of [top, child]) await expectSameFiles(fs, first);

    await writeFile(join(topDir, 'random.bin'), randomBytes(512 * 1024));
    await rm(join(topDir, 'empty'));
    await writeFile(join(topDir, 'added.bin'), randomBytes(64 * 1024));
    const second = snapshotName('xrepl_', new Date(Date.UTC(2026, 10, 26, 9, 45, 0, 0)));
    await sender.createSnapshots([top, child], second, live());
    for (const fs of [top, child]) {
      const [from, to] = (await snapshotsOf(sender, fs)).slice(-2);
      await transfer(fs, to!, from);
    }
    for (const fs of [top, child]) await expectSameFiles(fs, second);
    for (const fs of [top, child]) {
      expect((await snapshotsOf(receiver, fs)).map((v) => v.guid)).toEqual((await snapshotsOf(sender, fs)).map((v) => v.guid));
    }
    await expectNoZfsLeft();
  });

  it('a zfs send killed mid-stream fails the receive, leaves nothing, and a rerun converges', async () => {
    // Larger than the send buffer (SEND_BUFFER_BYTES), so zfs send is still running midway.
    const fs = await makeFilesystem('killed', 12);
    const s1 = await newestOf(fs);
    const started = whenTrue();
    const stream = slowTap(await sender.send({ filesystem: fs, to: s1 }, live()), (n) => started.notify(n >= 256 * 1024));
    const receiving = receiver.receive({ filesystem: fs, to: s1, stream }, live());
    await started.reached;
    const senders = (await processesMentioning(pools.tag)).filter((l) => / send /.test(l));
    expect(senders).toHaveLength(1);
    process.kill(Number(senders[0]!.split(' ')[0]), 'SIGKILL');
    const error = await receiving.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).errorClass).toBe('transient');
    expect(await snapshotsOf(receiver, fs)).toEqual([]);
    await expectNoZfsLeft();
    await rerun(fs, s1);
    await expectSameFiles(fs, 's1');
  });

  it('a receive that fails stops the sender, changes nothing, and a rerun converges', async () => {
    const fs = await makeFilesystem('refused', 1);
    await sh('zfs', 'snapshot', `${fs}@s2`);
    const [s1, s2] = await snapshotsOf(sender, fs);
    // An incremental into a filesystem the receiver does not have: zfs recv refuses it.
    const error = await transfer(fs, s2!, s1).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).stderr).toMatch(/cannot receive/);
    expect(await snapshotsOf(receiver, fs)).toEqual([]);
    await expectNoZfsLeft();
    await transfer(fs, s1!);
    await transfer(fs, s2!, s1);
    await expectSameFiles(fs, 's2');
  });

  it('a held snapshot is reported as held on destroy, and destroying converges once released', async () => {
    const fs = await makeFilesystem('held', 1);
    await sender.hold(fs, 's1', 'xrepl_test_hold', live());
    const [held] = await sender.destroySnapshots(fs, ['s1'], live());
    expect(held?.error).toBeInstanceOf(EndpointError);
    expect((held?.error as EndpointError).kind).toBe('snapshot-held');
    expect((held?.error as EndpointError).stderr).toMatch(/dataset is busy/);
    expect((await snapshotsOf(sender, fs)).map((v) => v.name)).toEqual(['s1']);
    await sender.release(fs, 's1', 'xrepl_test_hold', live());
    expect(await sender.destroySnapshots(fs, ['s1'], live())).toEqual([{ name: 's1' }]);
    expect(await snapshotsOf(sender, fs)).toEqual([]);
  });

  it('an abort in the middle of a transfer kills send and receive, leaves nothing, and a rerun converges', async () => {
    // Larger than the send buffer (SEND_BUFFER_BYTES), so both processes are still running midway.
    const fs = await makeFilesystem('aborted', 12);
    const s1 = await newestOf(fs);
    const controller = new AbortController();
    const midway = whenTrue();
    const stream = slowTap(await sender.send({ filesystem: fs, to: s1 }, controller.signal), (n) => midway.notify(n >= 256 * 1024));
    const receiving = receiver.receive({ filesystem: fs, to: s1, stream }, controller.signal);
    await midway.reached;
    expect((await processesMentioning(pools.tag)).filter((l) => / (send|receive) /.test(l))).toHaveLength(2);
    controller.abort();
    const error = await receiving.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).kind).toBe('aborted');
    await expectNoZfsLeft();
    expect(await snapshotsOf(receiver, fs)).toEqual([]);
    await rerun(fs, s1);
    await expectSameFiles(fs, 's1');
  });

  it('a full receive replaces the placeholder an interrupted receive leaves (no snapshots), but never one with snapshots', async () => {
    const fs = await makeFilesystem('leftover', 1);
    const s1 = await newestOf(fs);
    // What an interrupted full receive leaves on zfs-fuse: the target xrepl made as a placeholder first.
    const parent = `${root}/${fs}`.slice(0, `${root}/${fs}`.lastIndexOf('/'));
    await sh('zfs', 'create', '-p', parent);
    await sh('zfs', 'create', '-o', 'canmount=off', '-o', 'xrepl:placeholder=on', `${root}/${fs}`);
    await transfer(fs, s1);
    await expectSameFiles(fs, 's1');
    // Now it holds a replicated snapshot: another full receive must be refused.
    await sh('zfs', 'snapshot', `${fs}@s2`);
    const s2 = await newestOf(fs);
    const error = await transfer(fs, s2).then(() => undefined, (e: unknown) => e);
    expect((error as EndpointError).kind).toBe('dataset-exists');
    expect((await snapshotsOf(receiver, fs)).map((v) => v.name)).toEqual(['s1']);
  });
});
