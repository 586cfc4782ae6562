import type { FilesystemEntry } from './filesystem-entry.js';

/** Entries by index, as the queue reads them (an EntryTable). */
export interface EntryLookup {
  get(index: number): FilesystemEntry | undefined;
}

/**
 * The replication queue, in one place: which filesystem gets the next free slot.
 *
 * Order as zrepl's: ready filesystems first, by the date of their next step's snapshot (the oldest
 * data first), then filesystems waiting for a retry whose time has come, by retry time. The ready
 * order is computed once after planning; picking is O(1) amortised, so 10,000 filesystems cost
 * 10,000 picks, not 10,000².
 */
export interface QueueState {
  /** Indices of entries in ready order; shared, never mutated. */
  readonly order: readonly number[];
  /** How far `order` has been consumed. */
  readonly position: number;
  /** Indices of entries in retryWait. */
  readonly waiting: readonly number[];
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
  return { order, position: 0, waiting: [] };
}

/** Takes the next filesystem to work on at time `now`, or undefined when none may start now. */
export function takeNext(
  entries: EntryLookup,
  queue: QueueState,
  now: number,
): { index: number; queue: QueueState } | undefined {
  let position = queue.position;
  while (position < queue.order.length) {
    const index = queue.order[position] as number;
    position++;
    if (entries.get(index)?.status === 'ready') return { index, queue: { ...queue, position } };
  }
  let best: number | undefined;
  for (const i of queue.waiting) {
    const at = entries.get(i)?.retryAt ?? Number.POSITIVE_INFINITY;
    if (at <= now && (best === undefined || at < (entries.get(best)?.retryAt ?? Number.POSITIVE_INFINITY))) best = i;
  }
  if (best === undefined) return undefined;
  return { index: best, queue: { ...queue, position, waiting: queue.waiting.filter((i) => i !== best) } };
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
