import type { Readable } from 'node:stream';
import { EndpointError } from '../domain/errors.js';

/**
 * The first record of every `zfs send` stream (DRR_BEGIN) names the snapshot the stream leads to
 * and its incremental base by guid. Reading it lets the sender check that the stream is the one
 * planned (the snapshot was not destroyed and re-created under the same name since planning)
 * without another `zfs get` process.
 */

/** `DMU_BACKUP_MAGIC`, written in the sender's byte order; it tells how to read the record. */
export const SEND_STREAM_MAGIC = 0x2f5bacbacn;

/** Bytes up to and including the begin record's `drr_fromguid`. */
export const SEND_HEADER_BYTES = 56;

/** Every record's fixed part (`dmu_replay_record_t`); a record's payload follows it. */
export const SEND_RECORD_BYTES = 312;

/** `DMU_COMPOUNDSTREAM`, the header type (low two bits of `drr_versioninfo`) of a stream package. */
const COMPOUND_STREAM = 2n;

/** The identity a send stream's begin record states. */
export interface SendStreamHeader {
  toGuid: bigint;
  /** 0 for a full stream. */
  fromGuid: bigint;
}

type BeginRecord = SendStreamHeader & { compound: boolean; payloadBytes: number };

// A begin record at `offset`: type at 0 (0 = BEGIN), payload length at 4, magic at 8, version
// info at 16, `drr_toguid` at 40, `drr_fromguid` at 48, in the byte order the magic reveals.
function readBegin(bytes: Buffer, offset: number): BeginRecord | undefined {
  if (bytes.length < offset + SEND_HEADER_BYTES) return undefined;
  for (const little of [true, false]) {
    const u64 = (at: number): bigint => (little ? bytes.readBigUInt64LE(offset + at) : bytes.readBigUInt64BE(offset + at));
    const u32 = (at: number): number => (little ? bytes.readUInt32LE(offset + at) : bytes.readUInt32BE(offset + at));
    if (u32(0) === 0 && u64(8) === SEND_STREAM_MAGIC) {
      return { toGuid: u64(40), fromGuid: u64(48), compound: (u64(16) & 3n) === COMPOUND_STREAM, payloadBytes: u32(4) };
    }
  }
  return undefined;
}

/**
 * Reads the begin record's guids. A stream package (`send -p` or `-b`: a begin record of type
 * compound whose payload holds the properties, an END record, then the snapshot's own stream)
 * states them in the begin record of that inner stream. Undefined when the bytes are no begin record; `needBytes`
 * when more bytes are needed to reach the inner one.
 */
export function parseSendStreamHeader(bytes: Buffer): SendStreamHeader | undefined {
  const read = readStreamHeader(bytes);
  return read === undefined || 'needBytes' in read ? undefined : read;
}

function readStreamHeader(bytes: Buffer): SendStreamHeader | { needBytes: number } | undefined {
  const outer = readBegin(bytes, 0);
  if (outer === undefined || !outer.compound) return outer === undefined ? undefined : { toGuid: outer.toGuid, fromGuid: outer.fromGuid };
  // The package's header ends with an END record (its checksum); the snapshot's stream follows.
  const innerAt = 2 * SEND_RECORD_BYTES + outer.payloadBytes;
  if (bytes.length < innerAt + SEND_HEADER_BYTES) return { needBytes: innerAt + SEND_HEADER_BYTES };
  const inner = readBegin(bytes, innerAt);
  return inner === undefined || inner.compound ? undefined : { toGuid: inner.toGuid, fromGuid: inner.fromGuid };
}

/**
 * Waits for a send stream's begin record and checks its guids against the plan: resolves with the
 * stream, its bytes intact, once they match. Rejects with the stream's own error when zfs fails
 * before (a snapshot that no longer exists: `dataset-not-found`), with `dataset-not-found` when
 * the guids differ (destroying the stream, so nothing reaches a receiver), and with
 * `unexpected-output` when the stream does not start with a begin record.
 */
export function verifySendStream(
  stream: Readable,
  expected: { to: bigint; from?: bigint | undefined; dataset: string; command: readonly string[] },
): Promise<Readable> {
  return new Promise<Readable>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = (): void => {
      stream.removeListener('readable', onReadable);
      stream.removeListener('error', onError);
      stream.removeListener('end', onEnd);
    };
    const fail = (error: EndpointError): void => {
      cleanup();
      // Nobody reads this stream any more: destroy it quietly (killing zfs) and reject with the reason.
      stream.destroy();
      reject(error);
    };
    // Bytes to read before the check: the begin record's guids, or past a package's payload.
    let wanted = SEND_HEADER_BYTES;
    const check = (ended: boolean): void => {
      const head = Buffer.concat(chunks);
      const read = readStreamHeader(head);
      if (read !== undefined && 'needBytes' in read && !ended) {
        wanted = read.needBytes;
        return;
      }
      const header = read !== undefined && 'needBytes' in read ? undefined : read;
      if (header === undefined) {
        fail(new EndpointError(`\`${expected.command.join(' ')}\` did not start with a zfs send stream header`, { kind: 'unexpected-output', command: expected.command, dataset: expected.dataset }));
        return;
      }
      const from = expected.from ?? 0n;
      if (header.toGuid !== expected.to || header.fromGuid !== from) {
        const which = header.toGuid !== expected.to ? `${expected.dataset} has guid ${header.toGuid}, not the planned ${expected.to}` : `the incremental base has guid ${header.fromGuid}, not the planned ${from}`;
        fail(new EndpointError(`${which}: it was replaced since planning`, { kind: 'dataset-not-found', command: expected.command, dataset: expected.dataset }));
        return;
      }
      cleanup();
      stream.unshift(head);
      resolve(stream);
    };
    let done = false;
    function onReadable(): void {
      let chunk: unknown;
      while (!done && (chunk = stream.read()) !== null) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        chunks.push(buf);
        length += buf.length;
        if (length >= wanted) {
          const before = wanted;
          check(false);
          // Checked (resolved or failed) unless it asked for more bytes.
          done = wanted === before;
        }
      }
    }
    function onError(err: Error): void {
      cleanup();
      reject(err);
    }
    function onEnd(): void {
      if (!done) check(true);
    }
    stream.on('readable', onReadable);
    stream.once('error', onError);
    stream.once('end', onEnd);
  });
}
