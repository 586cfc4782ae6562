import { vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { ERROR_STATE_NAMES } from '../../machines/progress.js';
import { createMemoryPool, type MemoryPool } from '../../src/endpoint/memory/memory-pool.js';

/** Fake timers for everything the engine and the memory pool schedule (not process.nextTick). */
export function useEngineFakeTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

/** Advances fake time in ticks until the promise settles, or fails after `limitMs` of fake time. */
export async function drive<T>(promise: Promise<T>, limitMs: number, tickMs = 100): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let t = 0; t <= limitMs && !settled; t += tickMs) await vi.advanceTimersByTimeAsync(tickMs);
  if (!settled) throw new Error(`did not settle within ${limitMs} ms of fake time`);
  return promise;
}

/** A sender and a receiver pool with `filesystems` filesystems of `snapshots` snapshots each. */
export interface World {
  src: MemoryPool;
  dst: MemoryPool;
  filesystems: string[];
}

/** Builds a world; content differs per filesystem and snapshot so mix-ups show. */
export function makeWorld(filesystems: number, snapshots: number, seed = 1): World {
  const src = createMemoryPool({ name: 'src', seed });
  const dst = createMemoryPool({ name: 'dst', seed: seed + 1000 });
  const names = Array.from({ length: filesystems }, (_, i) => `tank/fs${i}`);
  for (const fs of names) {
    src.createFilesystem(fs);
    for (let s = 1; s <= snapshots; s++) {
      src.write(fs, 'data', `${fs} generation ${s} `.repeat(20 + s));
      src.snapshot(fs, `s${s}`);
    }
  }
  dst.createFilesystem('backup');
  return { src, dst, filesystems: names };
}

/** The sender's newest snapshot of a filesystem. */
export function newestSnapshot(pool: MemoryPool, fs: string) {
  const snaps = pool.versions(fs).filter((v) => v.type === 'snapshot');
  return snaps.reduce<(typeof snaps)[number] | undefined>((a, s) => (!a || s.createTxg > a.createTxg ? s : a), undefined);
}

/**
 * Watches every actor of a job through XState's inspection API and checks, at each microstep,
 * that a transition into a non-error state came with recorded progress, and that no long run of
 * microsteps passes without progress anywhere (no live-lock).
 */
export class ProgressRecorder {
  readonly violations: string[] = [];
  /** The most microsteps seen in a row without any actor recording progress. */
  maxMicrostepsWithoutProgress = 0;
  /** Fake-time ms of each increase of the total progress. */
  lastProgressAt = 0;
  private counts = new Map<string, number>();
  private total = 0;
  private sinceProgress = 0;

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    const id = event.actorRef.sessionId;
    const snapshot = event.snapshot as { context?: { progress?: { count: number } } };
    const count = snapshot.context?.progress?.count;
    if (count === undefined) return;
    const before = this.counts.get(id) ?? 0;
    const transitions = (event as unknown as { _transitions: { target?: { key: string; id: string }[]; eventType: string }[] })._transitions;
    for (const t of transitions) {
      if (!t.target || t.target.length === 0) continue;
      const intoNonError = t.target.some((n) => !ERROR_STATE_NAMES.has(n.key));
      if (intoNonError && count <= before) {
        this.violations.push(`${t.eventType} -> ${t.target.map((n) => n.id).join(',')} without progress`);
      }
    }
    this.counts.set(id, count);
    if (count > before) {
      this.total += count - before;
      this.sinceProgress = 0;
      this.lastProgressAt = Date.now();
    } else {
      this.sinceProgress++;
      this.maxMicrostepsWithoutProgress = Math.max(this.maxMicrostepsWithoutProgress, this.sinceProgress);
    }
  };
}
