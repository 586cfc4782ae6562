/** Stream helpers for transfer tests: a slowed, counting tap between a sender and a receiver. */
import { Transform, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Passes a stream through in chunks with a pause before each, calling `onBytes` with the running
 * count; the source's error is forwarded. The pause keeps `zfs send` blocked on backpressure, so
 * a test can act while the transfer is still running.
 */
export function slowTap(source: Readable, onBytes: (total: number) => void, pauseMs = 15): Readable {
  let total = 0;
  const tap = new Transform({
    async transform(chunk: Buffer, _encoding, callback) {
      await sleep(pauseMs);
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
  source.once('error', (err) => tap.destroy(err));
  tap.once('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  return source.pipe(tap);
}

/** Resolves once `predicate` holds, checking on every call of the returned function. */
export function whenTrue(): { notify: (ok: boolean) => void; reached: Promise<void> } {
  let resolve: () => void = () => undefined;
  const reached = new Promise<void>((r) => {
    resolve = r;
  });
  return { notify: (ok) => ok && resolve(), reached };
}
