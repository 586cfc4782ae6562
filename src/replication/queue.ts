import type { FilesystemEntry } from './filesystem-entry.js';
import { awaitsInitialReplication, initialReplicationBlocker } from './parent-first.js';

/** Entries by index, as the queue reads them (an EntryTable). */
export interface EntryLookup {
  get(index: number): FilesystemEntry | undefined;
}

/**
 * The replication queue, in one place: which filesystem gets the next free slot.
 *
 * Order as zrepl's: ready filesystems first, by the date of their next step's snapshot (the oldest
 * data first), then filesystems waiting for a retry whose time has come, by retry time. First
 * replications run parent first (see parent-first.ts): a ready filesystem whose ancestor awaits its
 * first replication is held, filed under that ancestor, and let go once the ancestor's full send is
 * received or has failed for good. The ready order is computed once after planning; picking is O(1)
 * amortised plus one look per holding ancestor, so 10,000 filesystems cost 10,000 picks, not
 * 10,000². A filesystem waiting for a retry is never held: it started once, so no ancestor awaited
 * then, and none can await again before a new plan (which makes a new queue).
 */
export interface QueueState {
  /** Indices of entries in ready order; shared, never mutated. */
  readonly order: readonly number[];
  /** How far `order` has been consumed. */
  readonly position: number;
  /** Indices of entries in retryWait. */
  readonly waiting: readonly number[];
  /** path → index of the entries the queue was made over; shared, never mutated. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Ready entries held by the parent-first rule, by the index of the ancestor they wait for; each in ready order. */
  readonly held: ReadonlyMap<number, readonly number[]>;
  /** Entries let go by their ancestor, in ready order: taken before the rest of `order`. */
  readonly released: readonly number[];
}

/** What {@link takeNext} picked (`index` undefined when none may start now), and the queue after it. */
export interface QueuePick {
  index: number | undefined;
  queue: QueueState;
}

/** Ready before later: by next step date, then path. */
export function compareReady(a: FilesystemEntry, b: FilesystemEntry): number {
  if (a.nextStepDate !== b.nextStepDate) return a.nextStepDate < b.nextStepDate ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The queue over freshly planned entries. */
export function createQueue(entries: readonly FilesystemEntry[]): QueueState {
  const order: number[] = [];
  entries.forEach((e, i) => {
    if (e.status === 'ready') order.push(i);
  });
  order.sort((i, j) => compareReady(entries[i] as FilesystemEntry, entries[j] as FilesystemEntry));
  return { order, position: 0, waiting: [], indexOf: new Map(entries.map((e, i) => [e.path, i])), held: new Map(), released: [] };
}

/** The queue with the held entries whose ancestor no longer awaits its first replication let go. */
function letGo(entries: EntryLookup, queue: QueueState): QueueState {
  let held: Map<number, readonly number[]> | undefined;
  let freed: number[] | undefined;
  for (const [ancestor, group] of queue.held) {
    if (awaitsInitialReplication(entries.get(ancestor))) continue;
    held ??= new Map(queue.held);
    held.delete(ancestor);
    (freed ??= []).push(...group);
  }
  if (!held || !freed) return queue;
  const released = [...queue.released, ...freed].sort((i, j) => compareReady(entries.get(i) as FilesystemEntry, entries.get(j) as FilesystemEntry));
  return { ...queue, held, released };
}

/**
 * Takes the next filesystem to work on at time `now`: a ready one in queue order that no ancestor
 * holds, else the earliest waiting one whose retry is due. The returned queue keeps the entries
 * passed over as held, so it must replace the old one even when nothing was picked.
 */
export function takeNext(entries: EntryLookup, queue: QueueState, now: number): QueuePick {
  const q = letGo(entries, queue);
  let held: Map<number, readonly number[]> | undefined;
  const copied = new Set<number>();
  const hold = (index: number, ancestor: number): void => {
    held ??= new Map(q.held);
    const group = held.get(ancestor) ?? [];
    // Copy a group once per pick: the old queue shares it.
    const own = copied.has(ancestor) ? (group as number[]) : [...group];
    copied.add(ancestor);
    own.push(index);
    held.set(ancestor, own);
  };
  const done = (index: number | undefined, rest: Partial<QueueState>): QueuePick => ({
    index,
    queue: { ...q, ...rest, ...(held ? { held } : {}) },
  });
  const pickable = (index: number): boolean => {
    if (entries.get(index)?.status !== 'ready') return false;
    const ancestor = initialReplicationBlocker(entries, q.indexOf, index);
    if (ancestor === undefined) return true;
    hold(index, ancestor);
    return false;
  };
  for (let r = 0; r < q.released.length; r++) {
    const index = q.released[r] as number;
    if (pickable(index)) return done(index, { released: q.released.slice(r + 1) });
  }
  const released: readonly number[] = [];
  let position = q.position;
  while (position < q.order.length) {
    const index = q.order[position] as number;
    position++;
    if (pickable(index)) return done(index, { released, position });
  }
  let best: number | undefined;
  for (const i of q.waiting) {
    const at = entries.get(i)?.retryAt ?? Number.POSITIVE_INFINITY;
    if (at <= now && (best === undefined || at < (entries.get(best)?.retryAt ?? Number.POSITIVE_INFINITY))) best = i;
  }
  if (best === undefined) return done(undefined, { released, position });
  return done(best, { released, position, waiting: q.waiting.filter((i) => i !== best) });
}

/** Puts a filesystem into the retry list. */
export function addWaiting(queue: QueueState, index: number): QueueState {
  return { ...queue, waiting: [...queue.waiting, index] };
}

/** The earliest retry time of waiting filesystems, or undefined when none waits. */
export function earliestRetry(entries: EntryLookup, queue: QueueState): number | undefined {
  let min: number | undefined;
  for (const i of queue.waiting) {
    const at = entries.get(i)?.retryAt;
    if (at !== undefined && (min === undefined || at < min)) min = at;
  }
  return min;
}
