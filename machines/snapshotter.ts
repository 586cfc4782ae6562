import { assign, emit, setup } from 'xstate';
import { unprovidedPromise } from './placeholder-actor.js';
import { ERROR_TAG, madeProgress, NO_PROGRESS, WAIT_TAG, type ProgressRecord } from './progress.js';
import { snapshotName } from '../src/endpoint/snapshot-name.js';

/**
 * The periodic snapshotter of a job (zrepl's snapper): sync up to the interval, plan, snapshot,
 * wait, and on error wait and retry. It emits `snapshots.taken` after each successful snapshot so
 * that the daemon wakes the job's replication. No I/O here: the runner injects the actors.
 */

/** Input of the snapshotter machine. */
export interface SnapshotterInput {
  /** Prefix of the snapshot names, e.g. `xrepl_`. */
  prefix: string;
  /** Time between snapshots, in ms. */
  intervalMs: number;
  /** Time from the last attempt to the retry after an error, in ms (default: the interval, as zrepl). */
  errorRetryMs?: number;
  /** The clock's current time in epoch ms (the machine never reads Date.now()). */
  now: () => number;
}

/** The last snapshot the machine took. */
export interface TakenSnapshot {
  name: string;
  filesystems: string[];
  at: number;
}

/** Context of the snapshotter machine. */
export interface SnapshotterContext {
  prefix: string;
  intervalMs: number;
  errorRetryMs: number;
  now: () => number;
  /** When the current sleep (`syncUp`, `waiting`, `errorWait`) ends, epoch ms. */
  sleepUntil?: number;
  /** When the current or last planning started: the next snapshot is due an interval later. */
  lastInvocation?: number;
  /** The plan: filesystems to snapshot and the name they get. */
  plan?: { snapshot: string; filesystems: string[] };
  lastSnapshot?: TakenSnapshot;
  problem?: { message: string; at: number };
  /** Progress recorded by `madeProgress`: a sync point found, a plan made, a snapshot taken. */
  progress: ProgressRecord;
}

/** Emitted after each successful snapshot; the daemon wakes the job's replication on it. */
export interface SnapshotsTakenEvent {
  type: 'snapshots.taken';
  snapshot: string;
  filesystems: string[];
}

/** Input of the `findSyncPoint` actor: resolves with the epoch ms of the first snapshot. */
export interface FindSyncPointInput {
  prefix: string;
  intervalMs: number;
}

/** Input of the `createSnapshots` actor. */
export interface CreateSnapshotsInput {
  filesystems: string[];
  snapshot: string;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The periodic snapshotter statechart. */
export const snapshotterMachine = setup({
  types: {
    input: {} as SnapshotterInput,
    context: {} as SnapshotterContext,
    emitted: {} as SnapshotsTakenEvent,
  },
  actors: {
    findSyncPoint: unprovidedPromise<number, FindSyncPointInput>('findSyncPoint'),
    listFilesystems: unprovidedPromise<string[], void>('listFilesystems'),
    createSnapshots: unprovidedPromise<void, CreateSnapshotsInput>('createSnapshots'),
  },
  delays: {
    untilSyncPoint: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
    untilNextSnapshot: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
    errorRetry: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
  },
  guards: {
    isDue: ({ context }, params: { at: number }) => params.at <= context.now(),
    hasNoFilesystems: (_, params: { filesystems: readonly string[] }) => params.filesystems.length === 0,
  },
  actions: {
    madeProgress: madeProgress(),
    startInvocation: assign({ lastInvocation: ({ context }) => context.now() }),
    recordProblem: assign({
      problem: ({ context }, params: { error: unknown }) => ({ message: errorMessage(params.error), at: context.now() }),
    }),
    scheduleNextSnapshot: assign({
      sleepUntil: ({ context }) => (context.lastInvocation ?? context.now()) + context.intervalMs,
    }),
    scheduleRetry: assign({
      sleepUntil: ({ context }) => (context.lastInvocation ?? context.now()) + context.errorRetryMs,
    }),
  },
}).createMachine({
  id: 'snapshotter',
  description: "A job's periodic snapshotter: snapshots every interval and wakes replication after each snapshot.",
  context: ({ input }) => ({
    prefix: input.prefix,
    intervalMs: input.intervalMs,
    errorRetryMs: input.errorRetryMs ?? input.intervalMs,
    now: input.now,
    progress: NO_PROGRESS,
  }),
  initial: 'syncUp',
  states: {
    syncUp: {
      description: 'Waits until an interval after the newest snapshot with the prefix, so a restart keeps the rhythm.',
      entry: 'startInvocation',
      initial: 'finding',
      states: {
        finding: {
          description: 'Lists the snapshots with the prefix and computes the sync point.',
          invoke: {
            id: 'findSyncPoint',
            src: 'findSyncPoint',
            input: ({ context }) => ({ prefix: context.prefix, intervalMs: context.intervalMs }),
            onDone: [
              {
                // Overdue or nothing snapshotted yet: plan now rather than through a zero timer.
                guard: { type: 'isDue', params: ({ event }) => ({ at: event.output }) },
                target: '#snapshotter.planning',
                actions: [assign({ sleepUntil: undefined, problem: undefined }), 'madeProgress'],
              },
              {
                target: 'sleeping',
                actions: [assign({ sleepUntil: ({ event }) => event.output, problem: undefined }), 'madeProgress'],
              },
            ],
            onError: {
              target: '#snapshotter.errorWait',
              actions: [{ type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }, 'scheduleRetry'],
            },
          },
        },
        sleeping: {
          description: 'Sleeps until the sync point.',
          tags: [WAIT_TAG],
          after: { untilSyncPoint: { target: '#snapshotter.planning' } },
        },
      },
    },
    planning: {
      description: 'Lists the filesystems to snapshot and names the snapshot.',
      entry: 'startInvocation',
      invoke: {
        id: 'listFilesystems',
        src: 'listFilesystems',
        onDone: [
          {
            guard: { type: 'hasNoFilesystems', params: ({ event }) => ({ filesystems: event.output }) },
            target: 'waiting',
            actions: [assign({ plan: undefined, problem: undefined }), 'scheduleNextSnapshot', 'madeProgress'],
          },
          {
            target: 'snapshotting',
            actions: [
              assign({
                plan: ({ context, event }) => ({
                  snapshot: snapshotName(context.prefix, new Date(context.lastInvocation ?? context.now())),
                  filesystems: [...event.output],
                }),
              }),
              'madeProgress',
            ],
          },
        ],
        onError: {
          target: 'errorWait',
          actions: [{ type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }, 'scheduleRetry'],
        },
      },
    },
    snapshotting: {
      description: 'Creates the planned snapshot on every planned filesystem.',
      invoke: {
        id: 'createSnapshots',
        src: 'createSnapshots',
        input: ({ context }) => ({ filesystems: context.plan?.filesystems ?? [], snapshot: context.plan?.snapshot ?? '' }),
        onDone: {
          target: 'waiting',
          actions: [
            assign({
              lastSnapshot: ({ context }) => ({
                name: context.plan?.snapshot ?? '',
                filesystems: context.plan?.filesystems ?? [],
                at: context.now(),
              }),
              problem: undefined,
            }),
            emit(({ context }) => ({
              type: 'snapshots.taken' as const,
              snapshot: context.plan?.snapshot ?? '',
              filesystems: context.plan?.filesystems ?? [],
            })),
            'scheduleNextSnapshot',
            'madeProgress',
          ],
        },
        onError: {
          target: 'errorWait',
          actions: [{ type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }, 'scheduleRetry'],
        },
      },
    },
    waiting: {
      description: 'Sleeps until an interval after the last planning started.',
      tags: [WAIT_TAG],
      after: { untilNextSnapshot: { target: 'planning' } },
    },
    errorWait: {
      description: 'After a failure: sleeps until the retry time, then plans again. Retrying is no progress.',
      tags: [ERROR_TAG],
      after: { errorRetry: { target: 'planning' } },
    },
  },
});

/** The snapshotter machine's type, for `.provide()` and actor refs. */
export type SnapshotterMachine = typeof snapshotterMachine;

