/**
 * The receiver never overwrites, strands or mounts data on real zfs-fuse pools (issue 11, items
 * 1 to 3): an operator's filesystem at a target is refused and untouched while the job's other
 * filesystems go on; a killed full receive leaves only xrepl's placeholder and a rerun converges;
 * a crash-left placeholder mark on received data never makes it replaceable; a missing root_fs is
 * an error that creates nothing; the receiver pruner leaves other jobs' replicas and unrelated data
 * under the same root alone; received filesystems and placeholders never mount on their own.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { EndpointError } from '../../src/domain/errors.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { readAll } from '../endpoint/contract.js';
import { retryWhileBusy } from './helpers/retry-while-busy.js';
import { createTestPools, describeWithZfs, mounted, sh, type TestPools } from './helpers/real-zfs.js';

const live = (): AbortSignal => new AbortController().signal;

describeWithZfs('receiver safety on real zfs-fuse pools', () => {
  let pools: TestPools;
  let src: string;
  let dst: string;

  beforeAll(async () => {
    pools = await createTestPools(['ssrc', 'sdst']);
    src = pools.pool('ssrc');
    dst = pools.pool('sdst');
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  /** A fresh sender subtree `<src>/<id>` with filesystems holding a file and snapshot s1 each. */
  const senderTree = async (id: string, children: readonly string[], bytes = 64 * 1024): Promise<{ data: string; sender: Endpoint }> => {
    const data = `${src}/${id}`;
    await sh('zfs', 'create', data);
    for (const c of children) {
      await sh('zfs', 'create', '-p', `${data}/${c}`);
      await writeFile(join(await mounted(`${data}/${c}`), 'payload.bin'), randomBytes(bytes));
      await sh('zfs', 'snapshot', `${data}/${c}@s1`);
    }
    return { data, sender: createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, data) && p !== data }, roots: [data] }) };
  };
  const prop = async (property: string, dataset: string): Promise<string> => (await sh('zfs', 'get', '-H', '-o', 'value', property, dataset)).trim();
  const snapshotNames = async (fs: string): Promise<string[]> =>
    (await sh('zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name', '-r', fs))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}@`))
      .map((l) => l.slice(fs.length + 1));

  it("refuses an operator's snapshot-less filesystem at a target as that filesystem's problem, leaves its files, and replicates the others", async () => {
    const { data, sender } = await senderTree('op', ['a', 'b']);
    const root = `${dst}/op`;
    await sh('zfs', 'create', root);
    // The operator's own filesystem, exactly where data/a would land, with a file and no snapshot.
    const theirs = `${root}/${data}/a`;
    await sh('zfs', 'create', '-p', theirs);
    await writeFile(join(await mounted(theirs), 'precious.txt'), 'do not lose me');
    const job = createReplicationJob({
      name: 'safety_op',
      sender,
      receiver: createZfsEndpoint({ role: 'receiver', rootFs: root }),
      initialReplication: 'all',
      keepSender: [],
      keepReceiver: [],
    });
    const report = (await job.runOnce()).last;
    job.stop();
    const byFs = new Map((report?.replication?.filesystems ?? []).map((f) => [f.filesystem, f]));
    const refused = byFs.get(`${data}/a`);
    expect(refused?.state).toBe('permanentError');
    expect(refused?.problem?.kind).toBe('dataset-exists');
    expect(refused?.problem?.message).toContain(theirs);
    expect(byFs.get(`${data}/b`)?.state).toBe('completed');
    expect(await readFile(join(await mounted(theirs), 'precious.txt'), 'utf8')).toBe('do not lose me');
    expect(await snapshotNames(theirs)).toEqual([]);
    expect(await snapshotNames(`${root}/${data}/b`)).toEqual(['s1']);
  });

  it('leaves only its own placeholder when a full receive is killed (zfs-fuse), and a rerun converges', async () => {
    const { data, sender } = await senderTree('kill', ['a'], 8 * 1024 * 1024);
    const root = `${dst}/kill`;
    await sh('zfs', 'create', root);
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
    const fs = `${data}/a`;
    const s1 = (await sender.listVersions([fs], live())).get(fs)?.find((v) => v.name === 's1');
    if (s1 === undefined) throw new Error('test setup: s1 not listed');
    const full = await readAll(await sender.send({ filesystem: fs, to: s1 }, live()));
    // Half the stream, then the receive is killed, as a crash or the watchdog would.
    const stream = new PassThrough();
    stream.write(full.subarray(0, Math.floor(full.length / 2)));
    const controller = new AbortController();
    const receiving = receiver.receive({ filesystem: fs, to: s1, stream }, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await expect(receiving).rejects.toBeInstanceOf(EndpointError);
    // Whatever is left is recognisably xrepl's: its placeholder (zfs-fuse) or a resume token (OpenZFS).
    const leftover = (await receiver.listFilesystems(live())).find((f) => f.path === fs);
    if (!(await receiver.capabilities(live())).resumableReceive) expect(leftover?.placeholder).toBe(true);
    else if (leftover !== undefined) expect(leftover.placeholder || leftover.resumeToken !== undefined).toBe(true);

    await retryWhileBusy(async () =>
      receiver.receive({ filesystem: fs, to: s1, stream: await sender.send({ filesystem: fs, to: s1 }, live()) }, live()),
    );
    expect(await snapshotNames(`${root}/${fs}`)).toEqual(['s1']);
    expect((await receiver.listFilesystems(live())).find((f) => f.path === fs)?.placeholder).toBe(false);
    expect(await prop('xrepl:placeholder', `${root}/${fs}`)).not.toBe('on');
  });

  it('never counts received data as a placeholder, even when a crash left the mark on, and never receives a full stream onto it', async () => {
    const { data, sender } = await senderTree('mark', ['a']);
    const root = `${dst}/mark`;
    await sh('zfs', 'create', root);
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
    const fs = `${data}/a`;
    const s1 = (await sender.listVersions([fs], live())).get(fs)?.find((v) => v.name === 's1');
    if (s1 === undefined) throw new Error('test setup: s1 not listed');
    await receiver.receive({ filesystem: fs, to: s1, stream: await sender.send({ filesystem: fs, to: s1 }, live()) }, live());
    await sh('zfs', 'set', 'xrepl:placeholder=on', `${root}/${fs}`);
    expect((await receiver.listFilesystems(live())).find((f) => f.path === fs)?.placeholder).toBe(false);
    const listing = await receiver.listAll?.('safety_mark', live());
    expect(listing?.filesystems.find((f) => f.path === fs)?.placeholder).toBe(false);
    expect(listing?.versions.get(fs)?.map((v) => v.name)).toEqual(['s1']);
    const again = receiver.receive({ filesystem: fs, to: s1, stream: await sender.send({ filesystem: fs, to: s1 }, live()) }, live());
    await expect(again).rejects.toMatchObject({ kind: 'dataset-exists' });
    expect(await snapshotNames(`${root}/${fs}`)).toEqual(['s1']);
  });

  it('fails a job whose root_fs is missing with an error naming it, creating nothing on the receiver pool', async () => {
    const { sender } = await senderTree('noroot', ['a']);
    const root = `${dst}/noroot/backup`;
    const before = await sh('zfs', 'list', '-H', '-o', 'name', '-r', dst);
    const job = createReplicationJob({
      name: 'safety_noroot',
      sender,
      receiver: createZfsEndpoint({ role: 'receiver', rootFs: root }),
      keepSender: [],
      keepReceiver: [],
    });
    const report = (await job.runOnce()).last;
    job.stop();
    expect(report?.ok).toBe(false);
    expect(JSON.stringify(report?.replication)).toContain(`receiver root_fs ${root} does not exist`);
    expect(await sh('zfs', 'list', '-H', '-o', 'name', '-r', dst)).toBe(before);
  });

  it("prunes on the receiver only the replicas of its own filter, never another job's or unrelated data under the same root", async () => {
    const { data } = await senderTree('two', ['mine', 'theirs']);
    const root = `${dst}/two`;
    await sh('zfs', 'create', root);
    for (const c of ['mine', 'theirs']) {
      await writeFile(join(await mounted(`${data}/${c}`), 'more.bin'), randomBytes(4096));
      await sh('zfs', 'snapshot', `${data}/${c}@s2`);
    }
    const filterOf = (c: string) => ({ matches: (p: string) => p === `${data}/${c}` });
    const jobFor = (c: string, keep: number) =>
      createReplicationJob({
        name: `safety_${c}`,
        sender: createZfsEndpoint({ role: 'sender', filter: filterOf(c), roots: [data] }),
        receiver: createZfsEndpoint({ role: 'receiver', rootFs: root, filter: filterOf(c) }),
        initialReplication: 'all',
        keepSender: [],
        keepReceiver: [{ type: 'last_n', count: keep }],
      });
    const theirs = jobFor('theirs', 10);
    expect((await theirs.runOnce()).last?.ok).toBe(true);
    theirs.stop();
    // Unrelated data under the same root, with snapshots a careless pruner would take.
    const unrelated = `${root}/elsewhere`;
    await sh('zfs', 'create', unrelated);
    await sh('zfs', 'snapshot', `${unrelated}@old1`);
    await sh('zfs', 'snapshot', `${unrelated}@old2`);
    const mine = jobFor('mine', 1);
    const report = (await mine.runOnce()).last;
    mine.stop();
    expect(report?.ok, JSON.stringify(report, null, 1)).toBe(true);
    expect(await snapshotNames(`${root}/${data}/mine`)).toEqual(['s2']);
    expect(await snapshotNames(`${root}/${data}/theirs`)).toEqual(['s1', 's2']);
    expect(await snapshotNames(unrelated)).toEqual(['old1', 'old2']);
    expect(report?.pruneReceiver?.filesystems.map((f) => f.filesystem)).toEqual([`${data}/mine`]);
  });

  it('never lets a received filesystem or a placeholder mount on its own: canmount is never on', async () => {
    const { data, sender } = await senderTree('mount', ['p/leaf', 'q']);
    const root = `${dst}/mount`;
    await sh('zfs', 'create', root);
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
    // data/p was created by `zfs create` on the sender as a parent, so it has no snapshot: the
    // receiver makes it a placeholder for data/p/leaf.
    for (const c of ['p/leaf', 'q']) {
      const fs = `${data}/${c}`;
      const s1 = (await sender.listVersions([fs], live())).get(fs)?.find((v) => v.name === 's1');
      if (s1 === undefined) throw new Error(`test setup: ${fs}@s1 not listed`);
      await receiver.receive({ filesystem: fs, to: s1, stream: await sender.send({ filesystem: fs, to: s1 }, live()) }, live());
    }
    expect(await prop('canmount', `${root}/${data}/p`)).toBe('off');
    expect(await prop('xrepl:placeholder', `${root}/${data}/p`)).toBe('on');
    for (const c of ['p/leaf', 'q']) {
      const local = `${root}/${data}/${c}`;
      expect(await prop('canmount', local), local).not.toBe('on');
      expect(await prop('mounted', local), local).toBe('no');
    }
  });
});
