import { EntryTable } from './entry-table.js';
import { nextStepDate, type AttemptResult, type FilesystemEntry } from './filesystem-entry.js';
import type { Problem } from './problem.js';
import { addWaiting, createQueue, takeNext, type QueueState } from './queue.js';
import { gaveUp } from './retry-policy.js';

/**
 * What the replication machine decides with, as plain data: the per-filesystem entries, the queue
 * and the slots. Every decision of its `working` state is one pure function here (the machine's
 * actions only call them), so each is table-tested on its own (test/replication/replication-work.test.ts).
 */
export interface ReplicationWork {
  /** Per-filesystem plans and states, in path order. */
  entries: EntryTable;
  /** path → index into entries. */
  indexOf: ReadonlyMap<string, number>;
  queue: QueueState;
  /** Filesystem machines running now. */
  active: number;
  /** Running filesystem machines that gave their slot back (only their cursor move is left). */
  released: ReadonlySet<string>;
  /** Filesystems in retryWait that need a new plan. */
  replanWaiting: number;
}

/**
 * Only the work's own fields: the machine passes its whole context as the work, and what these
 * functions return is assigned back to it (XState's object `assign` would call a function value).
 */
export function workOf(work: ReplicationWork): ReplicationWork {
  const { entries, indexOf, queue, active, released, replanWaiting } = work;
  return { entries, indexOf, queue, active, released, replanWaiting };
}

/** The work before any plan. */
export function emptyWork(): ReplicationWork {
  return { entries: EntryTable.from([]), indexOf: new Map(), queue: createQueue([]), active: 0, released: new Set(), replanWaiting: 0 };
}

/**
 * Carries what an earlier plan of this run achieved into a new plan (after a stale-plan failure):
 * a completed filesystem with nothing new stays completed, done steps and attempts are kept.
 */
export function mergePlans(previous: readonly FilesystemEntry[], planned: readonly FilesystemEntry[]): FilesystemEntry[] {
  if (previous.length === 0) return [...planned];
  const before = new Map(previous.map((e) => [e.path, e]));
  return planned.map((e) => {
    const old = before.get(e.path);
    if (!old) return e;
    if (old.status === 'completed' && e.steps.length === 0) return old;
    const doneSteps = old.steps.filter((s) => s.done);
    const steps = [...doneSteps, ...e.steps];
    return { ...e, attempts: old.attempts, steps, status: e.status === 'skipped' && doneSteps.length > 0 ? 'completed' : e.status };
  });
}

/** The work over a fresh plan, merged with what the run's earlier plan did; no filesystem runs. */
export function workFromPlan(previous: readonly FilesystemEntry[], planned: readonly FilesystemEntry[]): ReplicationWork {
  const entries = mergePlans(previous, planned);
  return {
    entries: EntryTable.from(entries),
    indexOf: new Map(entries.map((e, i) => [e.path, i])),
    queue: createQueue(entries),
    active: 0,
    released: new Set(),
    replanWaiting: 0,
  };
}

/** Slots free for another transfer: running machines that gave their slot back hold none. */
export function freeSlots(work: ReplicationWork, concurrency: number): number {
  return concurrency - (work.active - work.released.size);
}

/** True when the queue would hand out a filesystem now (nothing is started). */
export function hasMoreToStart(work: ReplicationWork, now: number): boolean {
  return takeNext(work.entries, work.queue, now).index !== undefined;
}

/** Fills the free slots from the queue: the work with the picked filesystems active, and those filesystems (to start a machine for each). */
export function fillSlots(work: ReplicationWork, concurrency: number, now: number): { work: ReplicationWork; started: FilesystemEntry[] } {
  let entries = work.entries;
  let queue = work.queue;
  let active = work.active;
  const started: FilesystemEntry[] = [];
  while (freeSlots({ ...work, active }, concurrency) > 0) {
    const next = takeNext(entries, queue, now);
    queue = next.queue;
    if (next.index === undefined) break;
    const entry = entries.get(next.index);
    if (!entry) continue;
    const running: FilesystemEntry = { ...entry, status: 'active', retryAt: undefined };
    entries = entries.with(next.index, running);
    active++;
    started.push(running);
  }
  return { work: { ...workOf(work), entries, queue, active }, started };
}

function without(set: ReadonlySet<string>, path: string): ReadonlySet<string> {
  if (!set.has(path)) return set;
  const next = new Set(set);
  next.delete(path);
  return next;
}

/** The entry of `path` and its index, or undefined when the run has none. */
function find(work: ReplicationWork, path: string): { index: number; entry: FilesystemEntry } | undefined {
  const index = work.indexOf.get(path);
  const entry = index === undefined ? undefined : work.entries.get(index);
  return index === undefined || entry === undefined ? undefined : { index, entry };
}

/**
 * Records how a filesystem's attempt ended: its entry takes the attempt's steps and state, its slot
 * is free, and a retry waits in the queue (or for a new plan, when the plan went stale).
 */
export function recordAttempt(work: ReplicationWork, result: AttemptResult): ReplicationWork {
  const found = find(work, result.path);
  if (!found) return workOf(work);
  const updated: FilesystemEntry = {
    ...found.entry,
    status: result.status,
    steps: result.steps,
    attempts: result.attempts,
    retryAt: result.retryAt,
    problem: result.problem,
    needsReplan: result.needsReplan,
    nextStepDate: nextStepDate(result.steps),
    cursor: result.cursor,
  };
  const retry = result.status === 'retryWait';
  return {
    ...workOf(work),
    entries: work.entries.with(found.index, updated),
    active: work.active - 1,
    released: without(work.released, result.path),
    replanWaiting: work.replanWaiting + (retry && result.needsReplan ? 1 : 0),
    queue: retry && !result.needsReplan ? addWaiting(work.queue, found.index) : work.queue,
  };
}

/** Records a filesystem machine that crashed (a defect, not a ZFS error): the filesystem fails for good. */
export function recordCrash(work: ReplicationWork, path: string, problem: Problem): ReplicationWork {
  const found = find(work, path);
  if (!found) return workOf(work);
  return {
    ...workOf(work),
    entries: work.entries.with(found.index, { ...found.entry, status: 'permanentError', problem: { ...problem, kind: 'internal', errorClass: 'permanent' } }),
    active: work.active - 1,
    released: without(work.released, path),
  };
}

/** A running filesystem's last transfer is received: its slot is free (only the first release of a running one counts). */
export function releaseSlot(work: ReplicationWork, path: string): ReplicationWork {
  const found = find(work, path);
  if (found?.entry.status !== 'active' || work.released.has(path)) return workOf(work);
  return { ...workOf(work), released: new Set([...work.released, path]) };
}

/**
 * A running filesystem's full send is received: its entry says so, and the queue lets its children
 * start their first replications (the machine's live steps replace the entry's when it ends).
 */
export function recordInitialReceived(work: ReplicationWork, path: string): ReplicationWork {
  const found = find(work, path);
  if (found?.entry.status !== 'active') return workOf(work);
  const steps = found.entry.steps.map((s) => (s.kind === 'transfer' && s.from === undefined ? { ...s, received: true, resumeToken: undefined } : s));
  return { ...workOf(work), entries: work.entries.with(found.index, { ...found.entry, steps }) };
}

/** A wakeup: every filesystem waiting for a retry may start now. */
export function retryWaitingNow(work: ReplicationWork, now: number): ReplicationWork {
  let entries = work.entries;
  for (const i of work.queue.waiting) {
    const e = entries.get(i);
    if (e) entries = entries.with(i, { ...e, retryAt: now });
  }
  return { ...workOf(work), entries };
}

/** The re-plan budget is spent: every filesystem that waited for a new plan fails, saying how often it was planned. */
export function giveUpReplanning(work: ReplicationWork, plans: number): ReplicationWork {
  return {
    ...workOf(work),
    replanWaiting: 0,
    entries: EntryTable.from(
      work.entries.toArray().map((e) =>
        e.status === 'retryWait' && e.needsReplan ? { ...e, status: 'permanentError' as const, problem: e.problem && gaveUp(e.problem, plans, 'plans') } : e,
      ),
    ),
  };
}

/**
 * What `working` does once the slots are filled: go on while a filesystem runs or may start; else
 * sleep until a retry is due, make a new plan for the filesystems whose plan went stale, or end.
 */
export type WorkOutlook = 'running' | 'onlyWaiting' | 'replan' | 'done';

/** The outlook of the work at time `now` (see {@link WorkOutlook}). */
export function workOutlook(work: ReplicationWork, now: number): WorkOutlook {
  if (work.active > 0 || hasMoreToStart(work, now)) return 'running';
  if (work.queue.waiting.length > 0) return 'onlyWaiting';
  return work.replanWaiting > 0 ? 'replan' : 'done';
}
