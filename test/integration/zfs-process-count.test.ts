/**
 * How many zfs processes the real endpoint starts for the calls a replication step makes, counted
 * through the metrics hook every zfs process reports to when it ends (counts, not times), and the
 * checks that replaced the processes it no longer starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import type { ListedVersion } from '../../src/domain/version.js';
import { cursorPropertyName } from '../../src/endpoint/cursor.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { setZfsCommandObserver } from '../../src/metrics/zfs-command-hook.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { readAll } from '../endpoint/contract.js';
import { createTestPools, describeWithZfs, mounted, sh, type TestPools } from './helpers/real-zfs.js';

const live = (): AbortSignal => new AbortController().signal;

/** Runs `work` and returns the zfs subcommands it started, in the order they ended. */
async function commandsOf(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  setZfsCommandObserver((command) => seen.push(command));
  try {
    await work();
  } finally {
    setZfsCommandObserver(undefined);
  }
  return seen;
}

async function rejection(promise: Promise<unknown>): Promise<EndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EndpointError);
  return error as EndpointError;
}

describeWithZfs('zfs processes per endpoint call on zfs-fuse', () => {
  let pools: TestPools;
  let zfsPath: string;
  let data: string;
  let root: string;
  let sender: Endpoint;
  let receiver: Endpoint;
  let n = 0;

  beforeAll(async () => {
    pools = await createTestPools(['src', 'dst']);
    data = `${pools.pool('src')}/data`;
    root = `${pools.pool('dst')}/backup`;
    await sh('zfs', 'create', data);
    await sh('zfs', 'create', root);
    // A program path of this suite's own, so no probe cached by another suite in this process counts here.
    const dir = await mkdtemp(join(tmpdir(), 'xrepl-count-'));
    zfsPath = join(dir, 'zfs');
    await symlink((await execa('sh', ['-c', 'command -v zfs'])).stdout.trim(), zfsPath);
  });
  afterAll(async () => {
    await pools?.destroy();
  });
  afterEach(() => setZfsCommandObserver(undefined));

  const freshFilesystem = async (snapshots: string[]): Promise<string> => {
    const fs = `${data}/f${++n}${randomBytes(2).toString('hex')}`;
    await sh('zfs', 'create', fs);
    for (const s of snapshots) await sh('zfs', 'snapshot', `${fs}@${s}`);
    return fs;
  };
  const snapshotOf = async (ep: Endpoint, fs: string, name: string): Promise<ListedVersion> => {
    const v = (await ep.listVersions([fs], live())).get(fs)?.find((x) => x.name === name);
    if (v === undefined) throw new Error(`test setup: ${fs}@${name} not listed`);
    return v;
  };

  it('a sender and a receiver on one local zfs probe its features once', async () => {
    const started = await commandsOf(async () => {
      sender = createZfsEndpoint({ transport: createLocalTransport({ zfsPath }), role: 'sender', filter: { matches: () => true }, roots: [data] });
      receiver = createZfsEndpoint({ transport: createLocalTransport({ zfsPath }), role: 'receiver', rootFs: root });
      await Promise.all([sender.capabilities(live()), receiver.capabilities(live()), sender.capabilities(live())]);
    });
    expect(started).toEqual(['usage']);
  });

  it('lists filesystems, versions and cursors of a side in one zfs get', async () => {
    await freshFilesystem(['s1', 's2']);
    const started = await commandsOf(() => sender.listAll?.('job1', live()) ?? Promise.reject(new Error('no listAll')));
    expect(started).toEqual(['get']);
  });

  it('sends with the send process alone, and still refuses a snapshot re-created since planning', async () => {
    const fs = await freshFilesystem(['s1']);
    const planned = await snapshotOf(sender, fs, 's1');
    const started = await commandsOf(async () => readAll(await sender.send({ filesystem: fs, to: planned }, live())));
    expect(started).toEqual(['send']);

    await sh('zfs', 'destroy', `${fs}@s1`);
    await sh('zfs', 'snapshot', `${fs}@s1`);
    const error = await rejection(sender.send({ filesystem: fs, to: planned }, live()));
    expect(error.kind).toBe('dataset-not-found');
    expect(error.message).toContain(`${fs}@s1`);
    const gone = await rejection(sender.send({ filesystem: fs, to: { ...planned, name: 'never' } }, live()));
    expect(gone.kind).toBe('dataset-not-found');
  });

  it('refuses an incremental whose base was re-created since planning with dataset-not-found, as a stale plan', async () => {
    const fs = await freshFilesystem(['s1', 's2']);
    const [s1, s2] = [await snapshotOf(sender, fs, 's1'), await snapshotOf(sender, fs, 's2')];
    await sh('zfs', 'destroy', `${fs}@s1`);
    await sh('zfs', 'snapshot', `${fs}@s1`);
    const other = await snapshotOf(sender, fs, 's1');
    // The re-created s1 is newer than s2, so zfs send itself refuses ("not an earlier snapshot");
    // a same-named base older than s2 with another guid cannot be made here: the header check of
    // that case is unit-tested (test/zfs/send-stream-header.test.ts).
    expect((await rejection(sender.send({ filesystem: fs, from: s1, to: s2 }, live()))).kind).toBe('dataset-not-found');
    expect(other.guid).not.toBe(s1.guid);
  });

  it('moves a cursor forward from a named previous one with a single zfs set', async () => {
    const fs = await freshFilesystem(['s1', 's2']);
    const [s1, s2] = [await snapshotOf(sender, fs, 's1'), await snapshotOf(sender, fs, 's2')];
    await sender.setReplicationCursor(fs, s1, 'job1', live());
    const started = await commandsOf(() => sender.setReplicationCursor(fs, s2, 'job1', live(), s1));
    expect(started).toEqual(['set']);
    expect((await sender.listReplicationCursors('job1', live())).get(fs)?.guid).toBe(s2.guid);
  });

  it('sets the first cursor of a filesystem its listing showed without one with a single zfs set', async () => {
    const fs = await freshFilesystem(['s1']);
    const s1 = await snapshotOf(sender, fs, 's1');
    await sender.listAll?.('job1', live());
    const started = await commandsOf(() => sender.setReplicationCursor(fs, s1, 'job1', live()));
    expect(started).toEqual(['set']);
    expect((await sender.listReplicationCursors('job1', live())).get(fs)?.guid).toBe(s1.guid);
  });

  it('takes the newest of two marks (a crash between set and clear), and ignores a mark that is not its snapshot guid', async () => {
    const fs = await freshFilesystem(['s1', 's2', 's3']);
    const [s1, s2] = [await snapshotOf(sender, fs, 's1'), await snapshotOf(sender, fs, 's2')];
    const property = cursorPropertyName('job1');
    await sh('zfs', 'set', `${property}=${s1.guid}`, `${fs}@s1`);
    await sh('zfs', 'set', `${property}=${s2.guid}`, `${fs}@s2`);
    // s3 carries s1's guid: a mark written for a snapshot that was since re-created under this name.
    await sh('zfs', 'set', `${property}=${s1.guid}`, `${fs}@s3`);
    expect((await sender.listReplicationCursors('job1', live())).get(fs)?.guid).toBe(s2.guid);
    expect((await sender.listAll?.('job1', live()))?.cursors.get(fs)?.guid).toBe(s2.guid);
  });

  const fullReceive = async (fs: string, snapshot: ListedVersion): Promise<void> =>
    receiver.receive({ filesystem: fs, to: snapshot, stream: await sender.send({ filesystem: fs, to: snapshot }, live()) }, live());

  it('receives in full into a filesystem its listing showed absent without a look (zfs-fuse: into a placeholder made first), and looks first otherwise', async () => {
    // The first receive under this root creates the parents (as placeholders), after a look.
    const first = await freshFilesystem(['s1']);
    const firstStarted = await commandsOf(async () => fullReceive(first, await snapshotOf(sender, first, 's1')));
    expect(firstStarted).toContain('get');
    const fs = await freshFilesystem(['s1']);
    const s1 = await snapshotOf(sender, fs, 's1');
    await receiver.listAll?.('job1', live());
    const started = await commandsOf(() => fullReceive(fs, s1));
    // zfs-fuse cannot resume, so a killed receive would leave an ordinary empty filesystem: the
    // target is made xrepl's placeholder first, received onto with -F and unmarked after.
    const resumable = (await receiver.capabilities(live())).resumableReceive;
    expect([...started].sort()).toEqual(resumable ? ['receive', 'send'] : ['create', 'receive', 'send', 'set']);
    expect((await receiver.listVersions([fs], live())).get(fs)?.map((v) => v.guid)).toEqual([s1.guid]);
  });

  it('a target that appeared after the listing is refused, keeps its data, and the next receive looks again', async () => {
    const fs = await freshFilesystem(['s1']);
    const s1 = await snapshotOf(sender, fs, 's1');
    await receiver.listAll?.('job1', live());
    const target = `${root}/${fs}`;
    await sh('zfs', 'create', '-p', target);
    await sh('zfs', 'snapshot', `${target}@someone_else`);
    const error = await rejection(fullReceive(fs, s1));
    expect(['dataset-exists', 'dataset-busy']).toContain(error.kind);
    expect((await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', target)).trim().split('\n')).toEqual([`${target}@someone_else`]);
    const again = await commandsOf(() => fullReceive(fs, s1).catch(() => undefined));
    expect(again).toContain('get');
  });
});
