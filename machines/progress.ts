import { enqueueActions, type EventObject } from 'xstate';

/**
 * Progress is evidence of work (the 2018 watchdog commit: "MadeProgress() calls can only be placed
 * right before non-error state transition. Otherwise, we could end up in a live-lock."). A machine
 * records progress when work was done: an endpoint call completed, bytes moved, a plan or a prune
 * was made. It never records progress on a transition caused by an error, nor on a timer out of a
 * state tagged {@link ERROR_TAG} or {@link WAIT_TAG}: a retry loop whose every attempt fails must
 * look dead to the watchdog. docs/engine.md states the rule; test/machines/conventions.test.ts
 * checks it over every machine's definition and the property tests at run time.
 */

/** Tag of a state entered because something failed (a retry wait, a final failure). */
export const ERROR_TAG = 'error';

/** Tag of a state that only waits for a timer or an event (an interval, a retry that is not due yet). */
export const WAIT_TAG = 'wait';

/** The event a machine sends its parent each time it records progress; the job's watchdog re-arms on it. */
export interface ProgressMadeEvent {
  type: 'progress.made';
}

/** How much progress a machine has recorded, and when last. */
export interface ProgressRecord {
  count: number;
  /** Epoch ms of the last record, or undefined before the first. */
  at: number | undefined;
}

/** The record of a machine that has made no progress yet. */
export const NO_PROGRESS: ProgressRecord = Object.freeze({ count: 0, at: undefined });

/** The record after one more step of progress at `now`. */
export function advanceProgress(record: ProgressRecord, now: number): ProgressRecord {
  return { count: record.count + 1, at: now };
}

/** What {@link madeProgress} needs of a machine's context. */
export interface ProgressContext {
  progress: ProgressRecord;
  now: () => number;
}

/**
 * The one `madeProgress` action, declared in every machine's `setup()` as `madeProgress:
 * madeProgress()`: counts the progress in the machine's own context and tells its parent
 * (`sendParent`), which relays it up to the job. A machine run on its own, with no parent, only
 * counts: XState's `sendParent` throws without a parent, so the parent is looked up on `self`, the
 * only place XState keeps it. A factory only because XState types an action by its machine's
 * context and events; every machine gets the same implementation.
 */
export function madeProgress<TContext extends ProgressContext, TEvent extends EventObject>() {
  return enqueueActions<TContext, TEvent, undefined, TEvent, never, never, never, never, never>(({ context, enqueue, self }) => {
    const update: Partial<TContext> = {};
    update.progress = advanceProgress(context.progress, context.now());
    enqueue.assign(update);
    if (self._parent !== undefined) enqueue.sendParent({ type: 'progress.made' } satisfies ProgressMadeEvent);
  });
}
