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

/** The identity a send stream's begin record states. */
export interface SendStreamHeader {
  toGuid: bigint;
  /** 0 for a full stream. */
  fromGuid: bigint;
}

/**
 * Reads the begin record's guids: record type at 0 (0 = BEGIN), magic at 8, `drr_toguid` at 40,
 * `drr_fromguid` at 48, all in the byte order the magic reveals. Undefined when the bytes are no
 * begin record.
 */
export function parseSendStreamHeader(bytes: Buffer): SendStreamHeader | undefined {
  if (bytes.length < SEND_HEADER_BYTES) return undefined;
  for (const little of [true, false]) {
    const u64 = (offset: number): bigint => (little ? bytes.readBigUInt64LE(offset) : bytes.readBigUInt64BE(offset));
    const type = little ? bytes.readUInt32LE(0) : bytes.readUInt32BE(0);
    if (type === 0 && u64(8) === SEND_STREAM_MAGIC) return { toGuid: u64(40), fromGuid: u64(48) };
  }
  return undefined;
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
    const check = (): void => {
      const head = Buffer.concat(chunks);
      const header = parseSendStreamHeader(head);
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
    function onReadable(): void {
      let chunk: unknown;
      while (length < SEND_HEADER_BYTES && (chunk = stream.read()) !== null) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        chunks.push(buf);
        length += buf.length;
      }
      if (length >= SEND_HEADER_BYTES) check();
    }
    function onError(err: Error): void {
      cleanup();
      reject(err);
    }
    function onEnd(): void {
      if (length < SEND_HEADER_BYTES) check();
    }
    stream.on('readable', onReadable);
    stream.once('error', onError);
    stream.once('end', onEnd);
  });
}
