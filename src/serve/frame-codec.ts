/**
 * Framing: every frame is a 4-byte big-endian length, then that many bytes of body. The body's
 * first byte says what it is: a JSON message (UTF-8), or a chunk of a binary stream (a 4-byte
 * stream id, then the bytes). A length beyond the limits ends the connection before anything is
 * buffered, since the rest of the byte stream can no longer be trusted to be framed.
 */
import type { ProtocolLimits } from './protocol-limits.js';

/** A JSON control message. */
export const FRAME_MESSAGE = 0x01;
/** A chunk of a binary stream. */
export const FRAME_DATA = 0x02;

/** A decoded frame. */
export type Frame = { kind: 'message'; json: string } | { kind: 'data'; stream: number; bytes: Buffer };

/** A framing violation: the connection carrying it must be closed. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
}

/** The frame carrying one JSON message. */
export function encodeMessageFrame(json: string, limits: Pick<ProtocolLimits, 'maxMessageBytes'>): Buffer {
  const body = Buffer.from(json, 'utf8');
  if (body.length > limits.maxMessageBytes) {
    throw new FramingError(`message of ${body.length} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`);
  }
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame.writeUInt32BE(body.length + 1, 0);
  frame.writeUInt8(FRAME_MESSAGE, 4);
  body.copy(frame, 5);
  return frame;
}

/** The frame carrying one chunk of a stream (at most `maxDataBytes`; callers cut larger chunks). */
export function encodeDataFrame(stream: number, bytes: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(9 + bytes.length);
  frame.writeUInt32BE(bytes.length + 5, 0);
  frame.writeUInt8(FRAME_DATA, 4);
  frame.writeUInt32BE(stream, 5);
  frame.set(bytes, 9);
  return frame;
}

/**
 * Cuts a byte stream into frames. `push` returns the frames completed by a chunk and throws a
 * {@link FramingError} on the first violation; it never holds more than one frame's bytes.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly limits: Pick<ProtocolLimits, 'maxMessageBytes' | 'maxDataBytes'>) {}

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const head = this.peek(5);
      const length = head.readUInt32BE(0);
      // Checked before the body arrives, so an absurd length costs nothing to refuse.
      const largest = Math.max(this.limits.maxMessageBytes + 1, this.limits.maxDataBytes + 5);
      if (length === 0) throw new FramingError('empty frame');
      if (length > largest) {
        throw new FramingError(`frame of ${length} bytes exceeds the limit of ${largest} bytes (is the peer an xrepl ${'serve'} of the same protocol?)`);
      }
      if (head.length >= 5) {
        const kind = head.readUInt8(4);
        if (kind === FRAME_MESSAGE && length - 1 > this.limits.maxMessageBytes) {
          throw new FramingError(`message of ${length - 1} bytes exceeds the limit of ${this.limits.maxMessageBytes} bytes`);
        }
        if (kind === FRAME_DATA && (length < 5 || length - 5 > this.limits.maxDataBytes)) {
          throw new FramingError(`stream frame of ${length - 5} bytes is outside 0..${this.limits.maxDataBytes} bytes`);
        }
        if (kind !== FRAME_MESSAGE && kind !== FRAME_DATA) throw new FramingError(`unknown frame kind 0x${kind.toString(16).padStart(2, '0')}`);
      }
      if (this.buffered < 4 + length) return frames;
      const frame = this.take(4 + length);
      const kind = frame.readUInt8(4);
      if (kind === FRAME_MESSAGE) frames.push({ kind: 'message', json: frame.toString('utf8', 5) });
      else frames.push({ kind: 'data', stream: frame.readUInt32BE(5), bytes: frame.subarray(9) });
    }
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) return first;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all.subarray(0, Math.min(n, all.length));
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 && this.chunks[0] !== undefined ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
