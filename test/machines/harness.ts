import { vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { ERROR_TAG, WAIT_TAG } from '../../machines/progress.js';
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

/** A transition as XState reports it in a microstep's inspection event. */
interface InspectedTransition {
  eventType: string;
  source?: { id: string; tags?: readonly string[] };
  target?: readonly { key: string; id: string; tags?: readonly string[] }[];
}

/** The transitions of a microstep inspection event (XState passes them as `_transitions`). */
function microstepTransitions(event: object): InspectedTransition[] {
  if (!('_transitions' in event) || !Array.isArray(event._transitions)) return [];
  return event._transitions.filter((t): t is InspectedTransition => typeof t === 'object' && t !== null && 'eventType' in t && typeof t.eventType === 'string');
}

/** Events that report work done, besides an actor's or a parallel state's completion. */
const WORK_EVENTS: ReadonlySet<string> = new Set(['transfer.progress', 'estimate.reported', 'destroy.reported', 'progress.made', 'xstate.done.actor.fs.*']);
/** Work events whose every transition records progress (the others have nothing-done alternatives). */
const ALWAYS_WORK: ReadonlySet<string> = new Set(['transfer.progress', 'estimate.reported', 'progress.made']);

const isWorkCause = (eventType: string): boolean =>
  eventType.startsWith('xstate.done.actor.') || eventType.startsWith('xstate.done.state.') || WORK_EVENTS.has(eventType);
const isErrorOrWait = (tags: readonly string[] | undefined): boolean => (tags ?? []).some((t) => t === ERROR_TAG || t === WAIT_TAG);

/**
 * Watches every actor of a job through XState's inspection API and checks, at each microstep, both
 * directions of "progress is evidence of work": progress recorded only in a microstep whose
 * transition completed work (an actor done, bytes moved, an estimate or a relayed progress), and
 * every completion of an invoked actor that the machine reads as success recorded as progress. It
 * also counts the longest run of microsteps without progress anywhere.
 */
export class ProgressRecorder {
  readonly violations: string[] = [];
  /** The most microsteps seen in a row without any actor recording progress. */
  maxMicrostepsWithoutProgress = 0;
  /** Fake-time ms of each increase of the total progress. */
  lastProgressAt = 0;
  /** Microsteps that recorded progress, and microsteps caused by an error or a retry timer. */
  readonly seen = { progress: 0, errorOrRetryTimer: 0 };
  private counts = new Map<string, number>();
  private sinceProgress = 0;

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    const id = event.actorRef.sessionId;
    const snapshot = event.snapshot as { context?: { progress?: { count: number } } };
    const count = snapshot.context?.progress?.count;
    if (count === undefined) return;
    const before = this.counts.get(id) ?? 0;
    const recorded = count > before;
    const transitions = microstepTransitions(event);
    const where = transitions.map((t) => `${t.source?.id ?? '?'} --${t.eventType || '(always)'}--> ${t.target?.map((n) => n.id).join(',') ?? '(internal)'}`).join('; ');
    const noWorkCause = transitions.every((t) => !isWorkCause(t.eventType));
    if (recorded && noWorkCause) this.violations.push(`progress without work: ${where}`);
    const failureCause = transitions.some(
      (t) => t.eventType.startsWith('xstate.error.') || (t.eventType.startsWith('xstate.after.') && isErrorOrWait(t.source?.tags)),
    );
    if (failureCause) this.seen.errorOrRetryTimer++;
    if (recorded && failureCause && noWorkCause) this.violations.push(`progress on an error or a retry timer: ${where}`);
    const completedWork = transitions.some(
      (t) =>
        ALWAYS_WORK.has(t.eventType) ||
        (t.eventType.startsWith('xstate.done.actor.') && !t.eventType.startsWith('xstate.done.actor.fs.') && !(t.target ?? []).every((n) => isErrorOrWait(n.tags)) && (t.target ?? []).length > 0),
    );
    if (completedWork && !recorded) this.violations.push(`work without progress: ${where}`);
    this.counts.set(id, count);
    if (recorded) {
      this.seen.progress++;
      this.sinceProgress = 0;
      this.lastProgressAt = Date.now();
    } else {
      this.sinceProgress++;
      this.maxMicrostepsWithoutProgress = Math.max(this.maxMicrostepsWithoutProgress, this.sinceProgress);
    }
  };
}
