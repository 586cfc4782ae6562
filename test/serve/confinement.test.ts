import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import { keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';
import { sinkService, sourceService } from '../../src/serve/serve-services.js';
import { inProcessRemote } from './helpers/in-process.js';

const signal = (): AbortSignal => new AbortController().signal;
async function kindOf(promise: Promise<unknown>): Promise<string> {
  const e = await promise.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(EndpointError);
  return (e as EndpointError).kind;
}

// A sink pool with two clients' replicas; alice is the client under test.
function sinkSetup(floor?: Parameters<typeof sinkService>[0]['floor']) {
  const pool = createMemoryPool({ name: 'sink', seed: 3 });
  pool.createFilesystem('backup/clients/alice/tank/a');
  for (const s of ['s1', 's2', 's3']) pool.snapshot('backup/clients/alice/tank/a', s);
  pool.createFilesystem('backup/clients/bob/tank/a');
  pool.snapshot('backup/clients/bob/tank/a', 's1');
  pool.createFilesystem('backup/other');
  pool.snapshot('backup/other', 'precious');
  const service = sinkService({ job: 'sink', client: 'alice', rootFs: 'backup/clients', floor, receiverAt: (rootFs) => pool.receiver({ rootFs, createRootFs: true }) });
  const { remote } = inProcessRemote('sink', { resolve: () => service });
  const everything = (): string[] => pool.filesystems().flatMap((fs) => [fs, ...pool.versions(fs).map((v) => `${fs}@${v.name}`)]);
  return { pool, remote, everything };
}

describe('a sink confines a client to root_fs/<client>', () => {
  it("lists only the client's own filesystems, in its own namespace", async () => {
    const { remote } = sinkSetup();
    expect((await remote.listFilesystems(signal())).map((f) => f.path).sort()).toEqual(['tank', 'tank/a']);
  });

  it('refuses paths outside its root, ..-like names and the root itself, and changes nothing', async () => {
    const { remote, everything } = sinkSetup();
    const before = everything();
    for (const path of ['../bob/tank/a', 'tank/../../bob', '/backup/other', '', 'tank/a/', '-rf']) {
      expect(['invalid-name', 'outside-root']).toContain(await kindOf(remote.destroySnapshots(path, ['s1'], signal())));
    }
    // A name that is valid is always below alice's root: bob's data is not reachable by any name.
    expect((await remote.listVersions(['bob/tank/a'], signal())).size).toBe(0);
    expect(everything()).toEqual(before);
  });

  it('refuses methods a sink does not serve, and unknown ones', async () => {
    const { remote, everything } = sinkSetup();
    const before = everything();
    const s1 = (await remote.listVersions(['tank/a'], signal())).get('tank/a')![0]!;
    expect(await kindOf(remote.send({ filesystem: 'tank/a', to: s1 }, signal()))).toBe('not-allowed');
    expect(await kindOf(remote.createSnapshots(['tank/a'], 'x', signal()))).toBe('not-allowed');
    expect(everything()).toEqual(before);
  });

  it('an append-only floor refuses every destroy, naming the floor', async () => {
    const { remote, everything } = sinkSetup('all');
    const before = everything();
    const results = await remote.destroySnapshots('tank/a', ['s1', 's2'], signal());
    expect(results.map((r) => (r.error as EndpointError | undefined)?.kind)).toEqual(['not-allowed', 'not-allowed']);
    expect(results[0]?.error?.message).toContain('retention_floor');
    expect(everything()).toEqual(before);
  });

  it('a keep-rule floor lets through only the destroys it would make itself', async () => {
    const { pool, remote } = sinkSetup(keepRulesFromConfig([{ type: 'last_n', count: 2 }]));
    const results = await remote.destroySnapshots('tank/a', ['s1', 's2', 's3'], signal());
    expect(results.map((r) => r.error === undefined)).toEqual([true, false, false]);
    expect(pool.versions('backup/clients/alice/tank/a').map((v) => v.name)).toEqual(['s2', 's3']);
  });
});

describe('a source serves exactly its filter', () => {
  it('lists, sends and destroys only filtered filesystems; receives are refused', async () => {
    const pool = createMemoryPool({ name: 'src', seed: 4 });
    pool.createFilesystem('tank/data');
    pool.snapshot('tank/data', 's1');
    pool.createFilesystem('tank/secret');
    const secret = pool.snapshot('tank/secret', 's1');
    const { remote } = inProcessRemote('source', { resolve: () => sourceService({ job: 'src', client: 'puller', endpoint: pool, filter: filesystemFilter({ 'tank/data<': true }) }) });
    expect((await remote.listFilesystems(signal())).map((f) => f.path)).toEqual(['tank/data']);
    expect(await kindOf(remote.send({ filesystem: 'tank/secret', to: secret }, signal()))).toBe('not-allowed');
    expect(await kindOf(remote.destroySnapshots('tank/secret', ['s1'], signal()))).toBe('not-allowed');
    expect(await kindOf(remote.receive({ filesystem: 'tank/data/x', to: secret, stream: (await import('node:stream')).Readable.from([]) }, signal()))).toBe('not-allowed');
    expect(pool.versions('tank/secret').map((v) => v.name)).toEqual(['s1']);
  });
});

describe("a source's resume tokens", () => {
  it("neither sends nor names what a token of an unserved filesystem leads to", async () => {
    const src = createMemoryPool({ name: 'src', seed: 5 });
    const dst = createMemoryPool({ name: 'dst', seed: 6 });
    src.createFilesystem('tank/data');
    const data = src.snapshot('tank/data', 's1');
    src.createFilesystem('tank/secret_name');
    src.write('tank/secret_name', 'f', 'z'.repeat(50_000));
    const secret = src.snapshot('tank/secret_name', 'hidden_snap');
    src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 1000 } });
    await dst.receive({ filesystem: 'x', to: secret, stream: await src.send({ filesystem: 'tank/secret_name', to: secret }, signal()) }, signal()).catch(() => undefined);
    const token = (await dst.listFilesystems(signal())).find((f) => f.path === 'x')?.resumeToken;
    expect(token).toBeDefined();
    const { remote } = inProcessRemote('source', { resolve: () => sourceService({ job: 'src', client: 'puller', endpoint: src, filter: filesystemFilter({ 'tank/data<': true }) }) });
    for (const attempt of [
      remote.describeResumeToken!(token!, signal()),
      remote.send({ filesystem: 'tank/data', to: data, resumeToken: token }, signal()),
      remote.estimateSendSize({ filesystem: 'tank/data', to: data, resumeToken: token }, signal()),
    ]) {
      const e = await attempt.then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ kind: 'not-allowed' });
      expect((e as Error).message).not.toMatch(/secret_name|hidden_snap/);
    }
  });
});
