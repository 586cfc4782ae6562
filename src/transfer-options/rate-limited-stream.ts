import { Transform, type TransformCallback } from 'node:stream';
import type { TokenBucket } from './token-bucket.js';

/** Bytes buffered by the limiter, as the transfer's counter buffers (STREAM_BUFFER_BYTES). */
const LIMITER_BUFFER_BYTES = 2 ** 20;

/**
 * A pass-through that lets bytes go only as fast as the bucket allows: each chunk is cut into
 * pieces no larger than the bucket's burst and each piece waits for its tokens. Backpressure does
 * the rest: while a piece waits, the transform holds its callback and the writer pauses. Destroying
 * the stream ends the wait.
 */
export function rateLimitedStream(bucket: TokenBucket): Transform {
  const stopped = new AbortController();
  const burst = bucket.limit.burstBytes;
  return new Transform({
    highWaterMark: LIMITER_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      void (async () => {
        for (let offset = 0; offset < chunk.length; offset += burst) {
          const piece = chunk.subarray(offset, Math.min(chunk.length, offset + burst));
          await bucket.take(piece.length, stopped.signal);
          this.push(piece);
        }
      })().then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
    destroy(error, callback) {
      stopped.abort();
      callback(error);
    },
  });
}
