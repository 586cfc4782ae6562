import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointError } from '../../../src/domain/errors.js';
import { PLACEHOLDER_PROPERTY, cursorPropertyName } from '../../../src/endpoint/cursor.js';
import { createMemoryPool, ZFS_FUSE_CAPABILITIES, type MemoryPool } from '../../../src/endpoint/memory/memory-pool.js';
import { readAll } from '../contract.js';

const signal = (): AbortSignal => new AbortController().signal;

async function kindOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof EndpointError ? error.kind : `not an EndpointError: ${String(error)}`;
  }
}

function poolWith(files: Record<string, string>, options: Parameters<typeof createMemoryPool>[0] = {}): MemoryPool {
  const pool = createMemoryPool({ seed: 42, ...options });
  pool.createFilesystem('tank/a');
  for (const [f, v] of Object.entries(files)) pool.write('tank/a', f, v);
  pool.snapshot('tank/a', 's1');
  return pool;
}

describe('memory pool versions', () => {
  it('gives the same guids for the same seed and strictly increasing txgs', () => {
    const guids = (seed: number): bigint[] => {
      const pool = createMemoryPool({ seed });
      pool.createFilesystem('tank/a');
      return [pool.snapshot('tank/a', 'x').guid, pool.snapshot('tank/a', 'y').guid];
    };
    expect(guids(7)).toEqual(guids(7));
    expect(guids(7)).not.toEqual(guids(8));
    const pool = createMemoryPool();
    pool.createFilesystem('tank/a');
    pool.createFilesystem('tank/b');
    const a = pool.snapshot('tank/a', 's');
    const b = pool.snapshot('tank/b', 's');
    expect(b.createTxg > a.createTxg).toBe(true);
  });

  it('stamps creation from the injected clock, allowing same-second snapshots', () => {
    const at = new Date('2024-05-01T10:00:00Z');
    const pool = createMemoryPool({ now: () => at });
    pool.createFilesystem('tank/a');
    expect(pool.snapshot('tank/a', 'x').creation).toEqual(at);
    expect(pool.snapshot('tank/a', 'y').creation).toEqual(at);
  });

  it('keeps snapshot content independent of later writes', () => {
    const pool = poolWith({ f: 'one' });
    pool.write('tank/a', 'f', 'two');
    expect(pool.snapshotContent('tank/a', 's1').get('f')?.toString()).toBe('one');
    expect(pool.content('tank/a').get('f')?.toString()).toBe('two');
  });

  it('estimates exactly the number of bytes the send produces, or nothing when estimates are off', async () => {
    const pool = poolWith({ f: 'x'.repeat(10_000) });
    const s1 = pool.versions('tank/a')[0]!;
    const stream = await pool.send({ filesystem: 'tank/a', to: s1 }, signal());
    expect(await pool.estimateSendSize({ filesystem: 'tank/a', to: s1 }, signal())).toBe((await readAll(stream)).length);
    const fuse = poolWith({ f: 'x' }, { capabilities: ZFS_FUSE_CAPABILITIES });
    expect(await fuse.estimateSendSize({ filesystem: 'tank/a', to: fuse.versions('tank/a')[0]! }, signal())).toBeUndefined();
  });

  it('stores a cursor as a snapshot property where bookmarks are missing', async () => {
    const pool = poolWith({}, { capabilities: ZFS_FUSE_CAPABILITIES });
    const s2 = pool.snapshot('tank/a', 's2');
    await pool.setReplicationCursor('tank/a', pool.versions('tank/a')[0]!, 'job', signal());
    await pool.setReplicationCursor('tank/a', s2, 'job', signal());
    expect(pool.getProperty('tank/a@s1', cursorPropertyName('job'))).toBeUndefined();
    expect(pool.getProperty('tank/a@s2', cursorPropertyName('job'))).toBe('on');
    expect(pool.versions('tank/a').every((v) => v.type === 'snapshot')).toBe(true);
  });

  it('replaces a placeholder on a full receive and clears its placeholder flag', async () => {
    const src = poolWith({ f: 'data' });
    const dst = createMemoryPool({ seed: 1 });
    dst.createFilesystem('tank/a', { properties: { [PLACEHOLDER_PROPERTY]: 'on' } });
    const s1 = src.versions('tank/a')[0]!;
    await dst.receive({ filesystem: 'tank/a', to: s1, stream: await src.send({ filesystem: 'tank/a', to: s1 }, signal()) }, signal());
    expect((await dst.listFilesystems(signal())).find((f) => f.path === 'tank/a')?.placeholder).toBe(false);
    expect(dst.content('tank/a').get('f')?.toString()).toBe('data');
  });
});

describe('memory pool streams', () => {
  it('detects a truncated stream and leaves nothing when resuming is off', async () => {
    const src = poolWith({ f: 'y'.repeat(50_000) });
    const dst = createMemoryPool({ capabilities: { resumableReceive: false } });
    src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 1000 } });
    const s1 = src.versions('tank/a')[0]!;
    const stream = await src.send({ filesystem: 'tank/a', to: s1 }, signal());
    expect(await kindOf(dst.receive({ filesystem: 'tank/a', to: s1, stream }, signal()))).toBe('stream-broken');
    expect(dst.filesystems()).toEqual([]);
  });

  it('rejects a corrupted stream as stream-broken without a resume token', async () => {
    const src = poolWith({ f: 'z'.repeat(1000) });
    const dst = createMemoryPool();
    const s1 = src.versions('tank/a')[0]!;
    const bytes = await readAll(await src.send({ filesystem: 'tank/a', to: s1 }, signal()));
    const at = bytes.length - 100;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    const stream = new PassThrough();
    stream.end(bytes);
    expect(await kindOf(dst.receive({ filesystem: 'tank/a', to: s1, stream }, signal()))).toBe('stream-broken');
    expect(dst.filesystems()).toEqual([]);
  });

  it('resumes a broken receive from its token, across two breaks, and clears the token', async () => {
    const src = poolWith({ f: 'r'.repeat(100_000), g: 'small' });
    const dst = createMemoryPool();
    const s1 = src.versions('tank/a')[0]!;
    src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 30_000 }, times: 2 });
    const first = await src.send({ filesystem: 'tank/a', to: s1 }, signal());
    expect(await kindOf(dst.receive({ filesystem: 'tank/a', to: s1, stream: first }, signal()))).toBe('stream-broken');
    const token1 = (await dst.listFilesystems(signal())).find((f) => f.path === 'tank/a')?.resumeToken;
    expect(token1).toBeDefined();
    expect(dst.versions('tank/a')).toEqual([]);

    const second = await src.send({ filesystem: 'tank/a', to: s1, resumeToken: token1 }, signal());
    expect(await kindOf(dst.receive({ filesystem: 'tank/a', to: s1, stream: second }, signal()))).toBe('stream-broken');
    const token2 = (await dst.listFilesystems(signal())).find((f) => f.path === 'tank/a')?.resumeToken;
    expect(token2).toBeDefined();
    expect(token2).not.toBe(token1);

    const third = await src.send({ filesystem: 'tank/a', to: s1, resumeToken: token2 }, signal());
    await dst.receive({ filesystem: 'tank/a', to: s1, stream: third }, signal());
    expect((await dst.listFilesystems(signal())).find((f) => f.path === 'tank/a')?.resumeToken).toBeUndefined();
    expect(dst.versions('tank/a').map((v) => v.guid)).toEqual([s1.guid]);
    expect(dst.content('tank/a')).toEqual(src.content('tank/a'));
  });

  it('fails a resumed send whose snapshot was destroyed with dataset-not-found', async () => {
    const src = poolWith({ f: 'q'.repeat(10_000) });
    const dst = createMemoryPool();
    const s1 = src.versions('tank/a')[0]!;
    src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 500 } });
    await kindOf(dst.receive({ filesystem: 'tank/a', to: s1, stream: await src.send({ filesystem: 'tank/a', to: s1 }, signal()) }, signal()));
    const token = (await dst.listFilesystems(signal()))[1]?.resumeToken;
    expect(token).toBeDefined();
    src.destroySnapshot('tank/a', 's1');
    expect(await kindOf(src.send({ filesystem: 'tank/a', to: s1, resumeToken: token }, signal()))).toBe('dataset-not-found');
  });

  it('destroys a send stream when its signal aborts', async () => {
    const pool = poolWith({ f: 'x'.repeat(1000) });
    pool.faults.add({ call: 'send', effect: { type: 'slow', bytesPerChunk: 10, delayMs: 1000 } });
    const controller = new AbortController();
    const stream = await pool.send({ filesystem: 'tank/a', to: pool.versions('tank/a')[0]! }, controller.signal);
    const reading = readAll(stream).then(
      () => 'ended',
      (e: unknown) => (e instanceof EndpointError ? e.kind : 'other'),
    );
    controller.abort();
    expect(await reading).toBe('aborted');
  });
});

describe('memory pool faults', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails the chosen call with an injected error of the requested class, then recovers', async () => {
    const pool = poolWith({});
    pool.faults.add({ call: 'listVersions', effect: { type: 'error', errorClass: 'transient' } });
    const error = await pool.listVersions(['tank/a'], signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).kind).toBe('injected');
    expect((error as EndpointError).transient).toBe(true);
    expect((await pool.listVersions(['tank/a'], signal())).get('tank/a')).toHaveLength(1);
  });

  it('matches a fault to its filesystem only, for the given number of times', async () => {
    const pool = poolWith({});
    pool.createFilesystem('tank/b');
    pool.faults.add({ call: 'createSnapshots', filesystem: 'tank/b', times: 2, effect: { type: 'error', errorClass: 'permanent' } });
    await pool.createSnapshots(['tank/a'], 'x', signal());
    expect(await kindOf(pool.createSnapshots(['tank/b'], 'y', signal()))).toBe('injected');
    expect(await kindOf(pool.createSnapshots(['tank/b'], 'y', signal()))).toBe('injected');
    await pool.createSnapshots(['tank/b'], 'y', signal());
    expect(pool.faults.size).toBe(0);
  });

  it('hangs a call until its signal aborts', async () => {
    const pool = poolWith({});
    pool.faults.add({ call: 'listFilesystems', effect: { type: 'hang' } });
    const controller = new AbortController();
    const listing = kindOf(pool.listFilesystems(controller.signal));
    let settled = false;
    void listing.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    controller.abort();
    expect(await listing).toBe('aborted');
  });

  it('runs an action before the call, e.g. destroying the snapshot about to be sent', async () => {
    const pool = poolWith({});
    const s1 = pool.versions('tank/a')[0]!;
    pool.faults.add({ call: 'send', effect: { type: 'run', action: () => pool.destroySnapshot('tank/a', 's1') } });
    expect(await kindOf(pool.send({ filesystem: 'tank/a', to: s1 }, signal()))).toBe('dataset-not-found');
  });

  it('streams slowly on timers that fake timers can drive', async () => {
    vi.useFakeTimers();
    const pool = poolWith({ f: 'x'.repeat(100) });
    pool.faults.add({ call: 'send', effect: { type: 'slow', bytesPerChunk: 64, delayMs: 1000 } });
    const s1 = pool.versions('tank/a')[0]!;
    const expected = await pool.estimateSendSize({ filesystem: 'tank/a', to: s1 }, signal());
    const stream = await pool.send({ filesystem: 'tank/a', to: s1 }, signal());
    let received = 0;
    stream.on('data', (chunk: Buffer) => (received += chunk.length));
    const ended = new Promise((r) => stream.on('end', r));
    await vi.advanceTimersByTimeAsync(1000);
    expect(received).toBe(64);
    await vi.advanceTimersByTimeAsync(1000 * Math.ceil((expected ?? 0) / 64));
    await ended;
    expect(received).toBe(expected);
  });

  it('counts calls by method, through the views too', async () => {
    const pool = poolWith({});
    pool.createFilesystem('backup');
    await pool.sender().listVersions(undefined, signal());
    await pool.receiver({ rootFs: 'backup' }).listFilesystems(signal());
    await pool.listFilesystems(signal());
    expect(pool.calls.count('listVersions')).toBe(1);
    expect(pool.calls.count('listFilesystems')).toBe(2);
    expect(pool.calls.count()).toBe(3);
  });
});
