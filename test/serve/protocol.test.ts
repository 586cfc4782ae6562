import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { FrameDecoder, FramingError, encodeDataFrame, encodeMessageFrame } from '../../src/serve/frame-codec.js';
import { serveConnection } from '../../src/serve/endpoint-server.js';
import { METHODS } from '../../src/serve/protocol-messages.js';
import { DEFAULT_PROTOCOL_LIMITS } from '../../src/serve/protocol-limits.js';
import { inProcessRemote, pipePair } from './helpers/in-process.js';

const limits = { maxMessageBytes: 1024, maxDataBytes: 256 };
const signal = (): AbortSignal => new AbortController().signal;

describe('framing', () => {
  it('decodes messages and stream frames split at every byte', () => {
    const bytes = Buffer.concat([encodeMessageFrame('{"a":1}', limits), encodeDataFrame(7, Buffer.from('xyz'))]);
    const decoder = new FrameDecoder(limits);
    const frames = [...bytes].flatMap((b) => decoder.push(Buffer.from([b])));
    expect(frames).toEqual([
      { kind: 'message', json: '{"a":1}' },
      { kind: 'data', stream: 7, bytes: Buffer.from('xyz') },
    ]);
  });

  it('refuses a frame over the cap from its header alone, and an unknown frame kind', () => {
    expect(() => new FrameDecoder(limits).push(Buffer.from('zfs destroy -r pool\n'))).toThrow(/exceeds the limit/);
    const big = Buffer.alloc(5);
    big.writeUInt32BE(2000, 0);
    big.writeUInt8(1, 4);
    expect(() => new FrameDecoder(limits).push(big)).toThrow(FramingError);
    expect(() => new FrameDecoder(limits).push(Buffer.from([0, 0, 0, 2, 9, 0]))).toThrow(/unknown frame kind 0x09/);
    expect(() => encodeMessageFrame('x'.repeat(2000), limits)).toThrow(/exceeds the limit/);
  });
});

// A raw client: frames written by hand, the server's messages read back.
function rawClient() {
  const { client, server } = pipePair();
  const pool = createMemoryPool({ name: 'p', seed: 1 });
  pool.createFilesystem('tank/a');
  const served = serveConnection(server, { resolve: () => ({ endpoint: pool, methods: ['listFilesystems'], job: 'j', client: 'c' }) });
  const decoder = new FrameDecoder(DEFAULT_PROTOCOL_LIMITS);
  const received: unknown[] = [];
  client.input.on('data', (chunk: Buffer) => {
    for (const f of decoder.push(chunk)) if (f.kind === 'message') received.push(JSON.parse(f.json));
  });
  const send = (message: unknown): void => void client.output.write(encodeMessageFrame(JSON.stringify(message), DEFAULT_PROTOCOL_LIMITS));
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
  return { client, served, received, send, settle, pool };
}

const hello = { t: 'hello', protocol: 'xrepl', version: 1, role: 'sink', windowBytes: 65536 };

describe('the server facing hostile clients', () => {
  it('refuses an incompatible version with a clear message and closes', async () => {
    const c = rawClient();
    c.send({ ...hello, version: 99 });
    await c.served;
    expect(c.received).toEqual([{ t: 'refused', message: expect.stringMatching(/protocol version 1, the client xrepl version 99/) }]);
  });

  it('answers unknown methods, unserved methods and invalid params with errors, and keeps serving', async () => {
    const c = rawClient();
    c.send(hello);
    c.send({ t: 'call', id: 1, method: 'rm -rf', params: {} });
    c.send({ t: 'call', id: 2, method: 'destroySnapshots', params: { filesystem: 'tank/a', snapshots: ['x'] } });
    c.send({ t: 'call', id: 3, method: 'listFilesystems', params: { extra: 1 } });
    c.send({ t: 'call', id: 4, method: 'listFilesystems', params: {} });
    await c.settle();
    const [, e1, e2, e3, ok] = c.received as { id: number; error?: { kind: string; message: string }; value?: unknown }[];
    expect(e1?.error?.kind).toBe('unsupported');
    expect(e2?.error).toMatchObject({ kind: 'not-allowed', message: expect.stringContaining('destroySnapshots is not served') });
    expect(e3?.error).toMatchObject({ kind: 'not-allowed', message: expect.stringContaining('invalid params') });
    expect(ok?.value).toEqual([{ path: 'tank', placeholder: false }, { path: 'tank/a', placeholder: false }]);
    expect(c.pool.filesystems()).toEqual(['tank', 'tank/a']);
    c.client.output.end();
    await c.served;
  });

  it('closes the connection on garbage, on a call before the hello and on bad JSON, saying why', async () => {
    for (const bytes of [Buffer.from('zfs destroy -r tank\n'), encodeMessageFrame('{"t":"call","id":1,"method":"listFilesystems"}', DEFAULT_PROTOCOL_LIMITS), encodeMessageFrame('{nope', DEFAULT_PROTOCOL_LIMITS)]) {
      const c = rawClient();
      c.client.output.write(bytes);
      const error = await c.served;
      expect(error?.message).toMatch(/protocol error: (frame of \d+ bytes exceeds|expected a hello|a message is not valid JSON)/);
      expect(c.pool.filesystems()).toEqual(['tank', 'tank/a']);
    }
  });
});

describe('the remote endpoint', () => {
  it('makes every call of a run over one connection', async () => {
    const pool = createMemoryPool({ name: 'p', seed: 1 });
    pool.createFilesystem('tank/a');
    const { remote, connections } = inProcessRemote('source', { resolve: () => ({ endpoint: pool, methods: METHODS, job: 'j', client: 'c' }) });
    await remote.capabilities(signal());
    await remote.listFilesystems(signal());
    await remote.listVersions(undefined, signal());
    expect(connections()).toBe(1);
  });

  it('a refused hello is a clear permanent error', async () => {
    const { remote } = inProcessRemote('sink', { resolve: () => 'no sink job serves client c here' });
    const e = await remote.listFilesystems(signal()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EndpointError);
    expect((e as EndpointError).message).toContain('refused the connection: no sink job serves client c here');
    expect((e as EndpointError).errorClass).toBe('permanent');
  });

  it('an abort crosses the connection: a hanging remote receive is cancelled on the server', async () => {
    const pool = createMemoryPool({ name: 'p', seed: 1 });
    pool.createFilesystem('backup');
    let serverSignal: AbortSignal | undefined;
    const hanging = Object.create(pool) as typeof pool;
    hanging.receive = (_request, s) => {
      serverSignal = s;
      return new Promise((_r, reject) => s.addEventListener('abort', () => reject(new EndpointError('receive aborted', { kind: 'aborted' }))));
    };
    const { remote } = inProcessRemote('sink', { resolve: () => ({ endpoint: hanging, methods: METHODS, job: 'j', client: 'c' }) });
    const controller = new AbortController();
    const to = { type: 'snapshot' as const, name: 's1', guid: 1n, createTxg: 1n, creation: new Date() };
    const receiving = remote.receive({ filesystem: 'backup/x', to, stream: new PassThrough() }, controller.signal);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const e = await receiving.catch((x: unknown) => x);
    expect((e as EndpointError).kind).toBe('aborted');
    expect(serverSignal?.aborted).toBe(true);
  });

  it('after the connection drops, the next call connects again', async () => {
    const pool = createMemoryPool({ name: 'p', seed: 1 });
    pool.createFilesystem('tank');
    const { remote, connections } = inProcessRemote('source', { resolve: () => ({ endpoint: pool, methods: METHODS, job: 'j', client: 'c' }) });
    await remote.listFilesystems(signal());
    remote.close();
    await new Promise((r) => setTimeout(r, 10));
    await remote.listFilesystems(signal());
    expect(connections()).toBe(2);
  });
});
