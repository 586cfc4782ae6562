import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { parseSendStreamHeader, verifySendStream } from '../../src/zfs/send-stream-header.js';

// The first 56 bytes of `zfs send -i pool/fs@s1 pool/fs@s2` and `zfs send pool/fs@s1` recorded on
// zfs-fuse 0.7 (x86-64), where `zfs get -Hp guid` printed s1 4793018697870679819 and s2 13182790754655674399.
const incrementalHead = Buffer.from('0000000000000000accbbaf50200000001000000000000007609086b0000000002000000000000001f208e8f58aef2b60b1f63781c398442', 'hex');
const fullHead = Buffer.from('0000000000000000accbbaf50200000001000000000000007609086b0000000002000000000000000b1f63781c3984420000000000000000', 'hex');
const s1 = 4793018697870679819n;
const s2 = 13182790754655674399n;

/** The same record as a big-endian sender writes it: every field byte-swapped in place. */
function bigEndian(head: Buffer): Buffer {
  const out = Buffer.from(head);
  for (const [offset, size] of [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 4], [36, 4], [40, 8], [48, 8]] as const) {
    out.subarray(offset, offset + size).reverse();
  }
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function rejection(promise: Promise<unknown>): Promise<EndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EndpointError);
  return error as EndpointError;
}

// A stream package as `zfs send -p` writes it (layout recorded from zfs-fuse 0.7): a compound
// begin record with the properties as its payload, an END record, then the snapshot's stream.
function packageOf(inner: Buffer, payloadBytes = 532): Buffer {
  const outer = Buffer.alloc(312);
  fullHead.copy(outer, 0, 0, 16);
  outer.writeUInt32LE(payloadBytes, 4);
  outer.writeBigUInt64LE(2n, 16); // DMU_COMPOUNDSTREAM
  outer.fill(0, 40, 56); // a package names no guid
  const end = Buffer.alloc(312);
  end.writeUInt32LE(5, 0); // DRR_END
  return Buffer.concat([outer, Buffer.alloc(payloadBytes, 0xab), end, inner]);
}

describe('parseSendStreamHeader', () => {
  it('reads the guids of the stream inside a package (send -p, send -b)', () => {
    expect(parseSendStreamHeader(packageOf(incrementalHead))).toEqual({ toGuid: s2, fromGuid: s1 });
    expect(parseSendStreamHeader(packageOf(incrementalHead).subarray(0, 1000))).toBeUndefined();
  });

  it('lets a package through verifySendStream whole, however it is chunked', async () => {
    const bytes = Buffer.concat([packageOf(fullHead), Buffer.alloc(4000, 1)]);
    const source = new PassThrough();
    const verified = verifySendStream(source, { to: s1, dataset: 'pool/fs@s1', command: ['zfs', 'send', '-p'] });
    for (let i = 0; i < bytes.length; i += 100) source.write(bytes.subarray(i, i + 100));
    source.end();
    expect((await readAll(await verified)).equals(bytes)).toBe(true);
  });

  it('reads the guids of an incremental and a full stream as zfs-fuse wrote them', () => {
    expect(parseSendStreamHeader(incrementalHead)).toEqual({ toGuid: s2, fromGuid: s1 });
    expect(parseSendStreamHeader(fullHead)).toEqual({ toGuid: s1, fromGuid: 0n });
  });

  it('reads a big-endian sender the same', () => {
    expect(parseSendStreamHeader(bigEndian(incrementalHead))).toEqual({ toGuid: s2, fromGuid: s1 });
  });

  it('refuses bytes that are no begin record, or too few of them', () => {
    expect(parseSendStreamHeader(Buffer.alloc(56))).toBeUndefined();
    expect(parseSendStreamHeader(incrementalHead.subarray(0, 55))).toBeUndefined();
    const notBegin = Buffer.from(incrementalHead);
    notBegin[0] = 1;
    expect(parseSendStreamHeader(notBegin)).toBeUndefined();
  });
});

describe('verifySendStream', () => {
  const command = ['zfs', 'send', '-i', 'pool/fs@s1', 'pool/fs@s2'];
  const body = Buffer.from('the rest of the stream '.repeat(1000));

  it('passes a stream with the planned guids through whole, header bytes included', async () => {
    const source = new PassThrough();
    const verifying = verifySendStream(source, { to: s2, from: s1, dataset: 'pool/fs@s2', command });
    // The header arrives split over writes, as a pipe may deliver it.
    source.write(incrementalHead.subarray(0, 10));
    source.write(Buffer.concat([incrementalHead.subarray(10), body]));
    source.end();
    const stream = await verifying;
    expect((await readAll(stream)).equals(Buffer.concat([incrementalHead, body]))).toBe(true);
  });

  it('refuses a stream to another snapshot than planned with dataset-not-found, destroying it', async () => {
    const source = new PassThrough();
    const verifying = verifySendStream(source, { to: s2 + 1n, from: s1, dataset: 'pool/fs@s2', command });
    source.write(Buffer.concat([incrementalHead, body]));
    const error = await rejection(verifying);
    expect(error.kind).toBe('dataset-not-found');
    expect(error.message).toContain('pool/fs@s2');
    expect(source.destroyed).toBe(true);
  });

  it('refuses a stream from another base than planned, and a full stream where an incremental was planned', async () => {
    const other = Readable.from([incrementalHead]);
    expect((await rejection(verifySendStream(other, { to: s2, from: s1 + 1n, dataset: 'pool/fs@s2', command }))).kind).toBe('dataset-not-found');
    const full = Readable.from([fullHead]);
    expect((await rejection(verifySendStream(full, { to: s1, from: s2, dataset: 'pool/fs@s1', command }))).kind).toBe('dataset-not-found');
  });

  it('rejects with the stream own error when zfs fails before the header', async () => {
    const source = new PassThrough();
    const verifying = verifySendStream(source, { to: s2, from: s1, dataset: 'pool/fs@s2', command });
    const failure = new EndpointError('could not send pool/fs@s2: does not exist', { kind: 'dataset-not-found' });
    source.destroy(failure);
    expect(await rejection(verifying)).toBe(failure);
  });

  it('rejects a stream too short for a header with unexpected-output naming the command', async () => {
    const error = await rejection(verifySendStream(Readable.from([Buffer.from('nope')]), { to: s2, dataset: 'pool/fs@s2', command }));
    expect(error.kind).toBe('unexpected-output');
    expect(error.message).toContain('zfs send -i pool/fs@s1 pool/fs@s2');
  });
});
