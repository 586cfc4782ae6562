import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateLimitedStream } from '../../src/transfer-options/rate-limited-stream.js';
import { type BucketClock, TokenBucket } from '../../src/transfer-options/token-bucket.js';

// Time that passes only when a taker sleeps: every sleep advances it at once, so a test measures
// the time the bucket asked for, never the machine's.
function fakeClock(): BucketClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number, signal: AbortSignal) => {
      signal.throwIfAborted();
      clock.time += ms;
      await Promise.resolve();
    },
  };
  return clock;
}

// Pipes chunks through a limiter and records when (fake time) each byte count got out.
async function passThrough(chunks: readonly number[], bucket: TokenBucket, clock: { time: number }): Promise<{ at: number; total: number }[]> {
  const seen: { at: number; total: number }[] = [];
  let total = 0;
  await pipeline(
    Readable.from(chunks.map((n) => Buffer.alloc(n, 1))),
    rateLimitedStream(bucket),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        seen.push({ at: clock.time, total });
        callback();
      },
    }),
  );
  return seen;
}

describe('rateLimitedStream with a token bucket', () => {
  it('lets a burst through at once, then the rest at the rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ bytesPerSecond: 1000, burstBytes: 500 }, clock);
    const seen = await passThrough([500, 1000], bucket, clock);
    expect(seen[0]).toEqual({ at: 0, total: 500 });
    expect(seen.at(-1)).toEqual({ at: 1000, total: 1500 });
  });

  it('never lets out more than the burst plus the rate times the time passed, and takes no longer than it needs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 1_000_000 }),
        fc.integer({ min: 512, max: 65_536 }),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 12 }),
        async (rate, burst, chunks) => {
          const clock = fakeClock();
          const seen = await passThrough(chunks, new TokenBucket({ bytesPerSecond: rate, burstBytes: burst }, clock), clock);
          const total = chunks.reduce((a, b) => a + b, 0);
          expect(seen.at(-1)?.total).toBe(total);
          for (const { at, total: out } of seen) expect(out).toBeLessThanOrEqual(burst + (rate * at) / 1000 + 1e-6);
          // Each wait is rounded up to a whole millisecond; pieces are at most a burst each.
          const pieces = chunks.reduce((n, c) => n + Math.ceil(c / burst), 0);
          expect(clock.time).toBeLessThanOrEqual((Math.max(0, total - burst) * 1000) / rate + pieces);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shares one rate between streams that use one bucket', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ bytesPerSecond: 10_000, burstBytes: 1000 }, clock);
    const [a, b] = await Promise.all([passThrough([5000, 5000], bucket, clock), passThrough([5000, 5000], bucket, clock)]);
    expect(a.at(-1)?.total).toBe(10_000);
    expect(b.at(-1)?.total).toBe(10_000);
    // 20,000 bytes at 10,000 per second after a 1,000-byte burst: 1.9 s, whichever stream ends last.
    expect(clock.time).toBeGreaterThanOrEqual(1900);
    expect(clock.time).toBeLessThanOrEqual(1900 + 40);
  });

  it('ends a wait when the stream is destroyed', async () => {
    const clock: BucketClock = { now: () => 0, sleep: (_ms, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))) };
    const limiter = rateLimitedStream(new TokenBucket({ bytesPerSecond: 1, burstBytes: 10 }, clock));
    limiter.on('error', () => undefined);
    limiter.write(Buffer.alloc(20));
    await new Promise((resolve) => setImmediate(resolve));
    limiter.destroy(new Error('aborted'));
    await new Promise((resolve) => limiter.on('close', resolve));
    expect(limiter.destroyed).toBe(true);
  });

  it('refuses a bucket without a rate or a burst', () => {
    expect(() => new TokenBucket({ bytesPerSecond: 0, burstBytes: 10 })).toThrow(/rate above zero/);
    expect(() => new TokenBucket({ bytesPerSecond: 10, burstBytes: 0 })).toThrow(/burst/);
  });
});
