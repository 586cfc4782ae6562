/**
 * Moving bytes through real Node streams: the sender's Readable over an encoded buffer (with the
 * truncation and slowness faults applied) and the receiver's collection of a stream into a buffer.
 */
import { Readable } from 'node:stream';
import { abortedError } from '../endpoint-guards.js';

/** Chunk size of memory-pool send streams when no fault says otherwise. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** How a send stream delivers its bytes. */
export interface ByteStreamOptions {
  signal: AbortSignal;
  /** For the abort error's message, e.g. the snapshot being sent. */
  what: string;
  /** End the stream (cleanly, as a killed `zfs send` looks to its reader) after this many bytes. */
  truncateAfter?: number | undefined;
  /** Deliver this many bytes per chunk, each after a `setTimeout` of `delayMs`. */
  slow?: { bytesPerChunk: number; delayMs: number } | undefined;
}

/** A Readable over `bytes` that is destroyed with an `aborted` error when the signal fires. */
export function bufferReadable(bytes: Buffer, options: ByteStreamOptions): Readable {
  const end = Math.min(bytes.length, options.truncateAfter ?? bytes.length);
  const chunkSize = Math.max(1, options.slow?.bytesPerChunk ?? DEFAULT_CHUNK_SIZE);
  let offset = 0;
  let timer: NodeJS.Timeout | undefined;
  const nextChunk = (): Buffer | null => {
    if (offset >= end) return null;
    const chunk = bytes.subarray(offset, Math.min(end, offset + chunkSize));
    offset += chunk.length;
    return chunk;
  };
  const stream = new Readable({
    read() {
      if (options.slow === undefined) {
        this.push(nextChunk());
        return;
      }
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        this.push(nextChunk());
      }, options.slow.delayMs);
    },
    destroy(error, callback) {
      if (timer !== undefined) clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      callback(error);
    },
  });
  const onAbort = (): void => {
    stream.destroy(abortedError(options.what));
  };
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  stream.once('end', () => options.signal.removeEventListener('abort', onAbort));
  return stream;
}

/** What a receiver got from a stream: the bytes read, and the stream's error if it broke. */
export interface CollectedBytes {
  bytes: Buffer;
  error?: unknown;
}

/**
 * Reads a stream to its end (or to `limit` bytes, then destroys it). A stream error is returned,
 * not thrown; an abort destroys the stream and throws an `aborted` EndpointError.
 */
export async function collectBytes(stream: Readable, signal: AbortSignal, what: string, limit?: number): Promise<CollectedBytes> {
  const chunks: Buffer[] = [];
  let length = 0;
  const onAbort = (): void => {
    stream.destroy(abortedError(what));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (limit !== undefined && length + buf.length >= limit) {
        chunks.push(buf.subarray(0, limit - length));
        length = limit;
        stream.destroy();
        break;
      }
      chunks.push(buf);
      length += buf.length;
    }
    if (signal.aborted) throw abortedError(what);
    return { bytes: Buffer.concat(chunks, length) };
  } catch (error) {
    if (signal.aborted) throw abortedError(what);
    return { bytes: Buffer.concat(chunks, length), error };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
