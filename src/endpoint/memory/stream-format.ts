/**
 * The memory pool's send stream: a small self-describing binary format, so that real bytes travel
 * between sender and receiver and a truncated or corrupted stream is detected.
 *
 * Layout (big-endian):
 *   header  "XRS1", kind u8 (0 full, 1 incremental), from-guid u64 (0 for full), to-guid u64,
 *           creation ms f64, to-name length u16, to-name UTF-8
 *   payload entries: op u8 (1 put, 2 delete), file-name length u16, name UTF-8, [data length u32, data]
 *   trailer "XEND", length of header + payload u64, SHA-256 of header + payload (32 bytes)
 *
 * A resumed stream is "XRR1", to-guid u64, offset u64, followed by the original stream's bytes
 * from that offset on.
 */
import { createHash } from 'node:crypto';

/** Whether a stream carries a whole filesystem or the changes since a base. */
export type StreamKind = 'full' | 'incremental';

/** What a stream says about itself before its payload. */
export interface StreamHeader {
  kind: StreamKind;
  /** The base's guid; 0n for a full stream. */
  fromGuid: bigint;
  toGuid: bigint;
  toName: string;
  creation: Date;
}

/** One change to a filesystem's files, in file-name order. */
export type ContentChange = { type: 'put'; file: string; bytes: Buffer } | { type: 'delete'; file: string };

/** A stream that cannot be decoded; `truncated` when it merely ended too early. */
export class StreamFormatError extends Error {
  override readonly name = 'StreamFormatError';
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

const STREAM_MAGIC = Buffer.from('XRS1');
const TRAILER_MAGIC = Buffer.from('XEND');
const RESUME_MAGIC = Buffer.from('XRR1');
const TRAILER_LENGTH = 4 + 8 + 32;
const FIXED_HEADER_LENGTH = 4 + 1 + 8 + 8 + 8 + 2;
/** Length of the prefix of a resumed stream before the original bytes continue. */
export const RESUME_HEADER_LENGTH = 4 + 8 + 8;

/** The changes that turn `from` (empty for a full stream) into `to`, in file-name order. */
export function contentChanges(from: ReadonlyMap<string, Buffer>, to: ReadonlyMap<string, Buffer>): ContentChange[] {
  const changes: ContentChange[] = [];
  for (const [file, bytes] of to) {
    const before = from.get(file);
    if (before === undefined || (before !== bytes && !before.equals(bytes))) changes.push({ type: 'put', file, bytes });
  }
  for (const file of from.keys()) if (!to.has(file)) changes.push({ type: 'delete', file });
  return changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Applies changes to a copy of `base`. */
export function applyChanges(base: ReadonlyMap<string, Buffer>, changes: readonly ContentChange[]): Map<string, Buffer> {
  const out = new Map(base);
  for (const change of changes) {
    if (change.type === 'put') out.set(change.file, change.bytes);
    else out.delete(change.file);
  }
  return out;
}

/** Encodes a stream; the same input always gives the same bytes (resuming depends on it). */
export function encodeStream(header: StreamHeader, changes: readonly ContentChange[]): Buffer {
  const parts: Buffer[] = [encodeHeader(header)];
  for (const change of changes) {
    const name = Buffer.from(change.file, 'utf8');
    const head = Buffer.alloc(1 + 2 + name.length + (change.type === 'put' ? 4 : 0));
    head.writeUInt8(change.type === 'put' ? 1 : 2, 0);
    head.writeUInt16BE(name.length, 1);
    name.copy(head, 3);
    if (change.type === 'put') head.writeUInt32BE(change.bytes.length, 3 + name.length);
    parts.push(head);
    if (change.type === 'put') parts.push(change.bytes);
  }
  const body = Buffer.concat(parts);
  const trailer = Buffer.alloc(TRAILER_LENGTH);
  TRAILER_MAGIC.copy(trailer, 0);
  trailer.writeBigUInt64BE(BigInt(body.length), 4);
  createHash('sha256').update(body).digest().copy(trailer, 12);
  return Buffer.concat([body, trailer]);
}

function encodeHeader(header: StreamHeader): Buffer {
  const name = Buffer.from(header.toName, 'utf8');
  const buf = Buffer.alloc(FIXED_HEADER_LENGTH + name.length);
  STREAM_MAGIC.copy(buf, 0);
  buf.writeUInt8(header.kind === 'full' ? 0 : 1, 4);
  buf.writeBigUInt64BE(header.fromGuid, 5);
  buf.writeBigUInt64BE(header.toGuid, 13);
  buf.writeDoubleBE(header.creation.getTime(), 21);
  buf.writeUInt16BE(name.length, 29);
  name.copy(buf, FIXED_HEADER_LENGTH);
  return buf;
}

/** Reads the header from the start of a stream (a prefix suffices); throws StreamFormatError. */
export function decodeHeader(bytes: Buffer): { header: StreamHeader; length: number } {
  if (bytes.length < FIXED_HEADER_LENGTH) throw new StreamFormatError(`stream ended after ${bytes.length} bytes, inside its header`, true);
  if (!bytes.subarray(0, 4).equals(STREAM_MAGIC)) throw new StreamFormatError('not a memory-pool send stream (bad magic)', false);
  const kindByte = bytes.readUInt8(4);
  if (kindByte > 1) throw new StreamFormatError(`unknown stream kind ${kindByte}`, false);
  const nameLength = bytes.readUInt16BE(29);
  const length = FIXED_HEADER_LENGTH + nameLength;
  if (bytes.length < length) throw new StreamFormatError(`stream ended after ${bytes.length} bytes, inside its header`, true);
  return {
    header: {
      kind: kindByte === 0 ? 'full' : 'incremental',
      fromGuid: bytes.readBigUInt64BE(5),
      toGuid: bytes.readBigUInt64BE(13),
      creation: new Date(bytes.readDoubleBE(21)),
      toName: bytes.toString('utf8', FIXED_HEADER_LENGTH, length),
    },
    length,
  };
}

/** Decodes a whole stream, checking its trailer; throws StreamFormatError. */
export function decodeStream(bytes: Buffer): { header: StreamHeader; changes: ContentChange[] } {
  const { header, length: headerLength } = decodeHeader(bytes);
  const bodyLength = bytes.length - TRAILER_LENGTH;
  const trailerAt = bodyLength >= headerLength ? bytes.subarray(bodyLength) : undefined;
  if (trailerAt === undefined || !trailerAt.subarray(0, 4).equals(TRAILER_MAGIC) || trailerAt.readBigUInt64BE(4) !== BigInt(bodyLength)) {
    throw new StreamFormatError(`stream of ${bytes.length} bytes has no valid trailer (truncated?)`, true);
  }
  const digest = createHash('sha256').update(bytes.subarray(0, bodyLength)).digest();
  if (!digest.equals(trailerAt.subarray(12))) throw new StreamFormatError('stream checksum mismatch', false);
  const changes: ContentChange[] = [];
  let at = headerLength;
  const need = (n: number): void => {
    if (at + n > bodyLength) throw new StreamFormatError(`payload entry at byte ${at} overruns the payload`, false);
  };
  while (at < bodyLength) {
    need(3);
    const op = bytes.readUInt8(at);
    const nameLength = bytes.readUInt16BE(at + 1);
    at += 3;
    need(nameLength);
    const file = bytes.toString('utf8', at, at + nameLength);
    at += nameLength;
    if (op === 1) {
      need(4);
      const dataLength = bytes.readUInt32BE(at);
      at += 4;
      need(dataLength);
      // Copy so the received content does not pin the whole stream buffer.
      changes.push({ type: 'put', file, bytes: Buffer.from(bytes.subarray(at, at + dataLength)) });
      at += dataLength;
    } else if (op === 2) {
      changes.push({ type: 'delete', file });
    } else {
      throw new StreamFormatError(`unknown payload operation ${op} at byte ${at - 3 - nameLength}`, false);
    }
  }
  return { header, changes };
}

/** The bytes a resumed send produces: a resume prefix, then the original stream from `offset`. */
export function encodeResumedStream(toGuid: bigint, offset: number, original: Buffer): Buffer {
  const head = Buffer.alloc(RESUME_HEADER_LENGTH);
  RESUME_MAGIC.copy(head, 0);
  head.writeBigUInt64BE(toGuid, 4);
  head.writeBigUInt64BE(BigInt(offset), 12);
  return Buffer.concat([head, original.subarray(offset)]);
}

/** The resume prefix of a stream, or undefined when the stream is not a resumed one. */
export function decodeResumePrefix(bytes: Buffer): { toGuid: bigint; offset: number } | undefined {
  if (bytes.length < 4 || !bytes.subarray(0, 4).equals(RESUME_MAGIC)) return undefined;
  if (bytes.length < RESUME_HEADER_LENGTH) throw new StreamFormatError('resumed stream ended inside its prefix', true);
  return { toGuid: bytes.readBigUInt64BE(4), offset: Number(bytes.readBigUInt64BE(12)) };
}
