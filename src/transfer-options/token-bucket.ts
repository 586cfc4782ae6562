import { setTimeout as sleep } from 'node:timers/promises';
import type { BandwidthLimit } from './transfer-options.js';

/** The time a bucket refills by; tests pass a fake one, so no test waits or measures real time. */
export interface BucketClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`; rejects when the signal fires. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The process's monotonic clock and timers. */
export const realBucketClock: BucketClock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
  },
};

/**
 * A token bucket of bytes: it holds up to `burstBytes` and refills at `bytesPerSecond`. Takers
 * are served in the order they asked, so streams that share one bucket share its rate fairly
 * and one large chunk cannot be overtaken for ever by small ones.
 */
export class TokenBucket {
  readonly limit: BandwidthLimit;
  private readonly clock: BucketClock;
  private tokens: number;
  private refilledAt: number;
  private tail: Promise<void> = Promise.resolve();

  constructor(limit: BandwidthLimit, clock: BucketClock = realBucketClock) {
    if (!(limit.bytesPerSecond > 0) || !(limit.burstBytes >= 1)) throw new RangeError('a token bucket needs a rate above zero and a burst of at least one byte');
    this.limit = limit;
    this.clock = clock;
    this.tokens = limit.burstBytes;
    this.refilledAt = clock.now();
  }

  /** Waits until `bytes` (at most the burst) are available, then takes them. */
  take(bytes: number, signal: AbortSignal): Promise<void> {
    if (bytes > this.limit.burstBytes) throw new RangeError(`cannot take ${bytes} bytes at once from a bucket of ${this.limit.burstBytes}`);
    const turn = this.tail.then(() => this.takeInTurn(bytes, signal));
    // A taker that gave up (its stream was destroyed) does not hold up the next one.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async takeInTurn(bytes: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const now = this.clock.now();
      this.tokens = Math.min(this.limit.burstBytes, this.tokens + ((now - this.refilledAt) * this.limit.bytesPerSecond) / 1000);
      this.refilledAt = now;
      if (this.tokens >= bytes) {
        this.tokens -= bytes;
        return;
      }
      await this.clock.sleep(Math.max(1, Math.ceil(((bytes - this.tokens) * 1000) / this.limit.bytesPerSecond)), signal);
    }
  }
}
