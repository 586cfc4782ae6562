import { assign, emit, setup } from 'xstate';
import { unprovidedPromise } from './placeholder-actor.js';
import { ERROR_TAG, madeProgress, NO_PROGRESS, WAIT_TAG, type ProgressRecord } from './progress.js';
import { snapshotName } from '../src/endpoint/snapshot-name.js';
import type { SnapshotNaming } from '../src/snapshotter/timestamp-format.js';
import type { HookFailure, HookRun, PreHooksOutcome, SnapshotResultForHooks } from '../src/hooks/snapshot-hooks.js';

/**
 * The periodic snapshotter of a job (zrepl's snapper): sync up to the interval, plan, snapshot,
 * wait, and on error wait and retry. It emits `snapshots.taken` after each successful snapshot so
 * that the daemon wakes the job's replication. With `nextAt` (cron) the next snapshot is due at the
 * schedule's next time instead of an interval later. With hooks, pre hooks run before the snapshot
 * and the post hooks they owe after it, whatever became of it. No I/O here: the runner injects the
 * actors.
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
  /** A cron schedule: the next due time after a moment; replaces the interval when set. */
  nextAt?: (afterMs: number) => number;
  /** The time part of snapshot names (default: dense, UTC). */
  naming?: SnapshotNaming;
  /** Whether the job has snapshotting hooks (then `runPreHooks` and `runPostHooks` are invoked). */
  hooks?: boolean;
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
  nextAt?: ((afterMs: number) => number) | undefined;
  naming?: SnapshotNaming | undefined;
  hooks: boolean;
  /** The post hooks the current snapshot owes, and how it went (while hooks run). */
  hookRuns?: HookRun[];
  outcome?: SnapshotResultForHooks;
  /** Filesystems a fatal pre hook kept out of the current snapshot. */
  skipped?: string[];
  /** The hooks that failed in the last snapshot. */
  hookFailures?: HookFailure[];
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

/** Input of the `runPreHooks` actor. */
export interface RunPreHooksInput {
  snapshot: string;
  filesystems: string[];
}

/** Input of the `runPostHooks` actor: resolves with the post hooks that failed. */
export interface RunPostHooksInput {
  snapshot: string;
  ran: HookRun[];
  /** How the snapshot went; `skipped` for the filesystems in `skipped`. */
  outcome: SnapshotResultForHooks;
  skipped: string[];
}

/** Input of the `createSnapshots` actor. */
export interface CreateSnapshotsInput {
  filesystems: string[];
  snapshot: string;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// A fatal pre hook's failure is the snapshotter's problem even when the other filesystems were snapshotted.
function fatalHookProblem(context: SnapshotterContext): { message: string; at: number } | undefined {
  const fatal = (context.hookFailures ?? []).filter((f) => f.fatal);
  if (fatal.length === 0) return undefined;
  return { message: `not snapshotted: ${fatal.map((f) => f.message).join('; ')}`, at: context.now() };
}

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
    runPreHooks: unprovidedPromise<PreHooksOutcome, RunPreHooksInput>('runPreHooks'),
    runPostHooks: unprovidedPromise<HookFailure[], RunPostHooksInput>('runPostHooks'),
  },
  delays: {
    untilSyncPoint: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
    untilNextSnapshot: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
    errorRetry: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
  },
  guards: {
    isDue: ({ context }, params: { at: number }) => params.at <= context.now(),
    hasNoFilesystems: (_, params: { filesystems: readonly string[] }) => params.filesystems.length === 0,
    hasHooks: ({ context }) => context.hooks,
    skipsEverything: ({ context }, params: { skipped: readonly string[] }) =>
      (context.plan?.filesystems ?? []).every((fs) => params.skipped.includes(fs)),
    snapshotFailed: ({ context }) => context.outcome !== 'taken',
  },
  actions: {
    madeProgress: madeProgress(),
    startInvocation: assign({ lastInvocation: ({ context }) => context.now() }),
    recordProblem: assign({
      problem: ({ context }, params: { error: unknown }) => ({ message: errorMessage(params.error), at: context.now() }),
    }),
    // A cron schedule counts from now: a snapshot that ran past the next time must not fire at once.
    scheduleNextSnapshot: assign({
      sleepUntil: ({ context }) =>
        context.nextAt !== undefined ? context.nextAt(context.now()) : (context.lastInvocation ?? context.now()) + context.intervalMs,
    }),
    scheduleRetry: assign({
      sleepUntil: ({ context }) =>
        context.nextAt !== undefined && context.errorRetryMs === 0
          ? context.nextAt(context.now())
          : (context.lastInvocation ?? context.now()) + context.errorRetryMs,
    }),
    recordPlan: assign({
      hookRuns: undefined,
      outcome: undefined,
      skipped: undefined,
      hookFailures: undefined,
      plan: ({ context }, params: { filesystems: readonly string[] }) => ({
        snapshot: snapshotName(context.prefix, new Date(context.lastInvocation ?? context.now()), context.naming),
        filesystems: [...params.filesystems],
      }),
    }),
    recordSnapshot: assign({
      lastSnapshot: ({ context }) => ({
        name: context.plan?.snapshot ?? '',
        filesystems: context.plan?.filesystems ?? [],
        at: context.now(),
      }),
      outcome: 'taken' as const,
      problem: ({ context }) => fatalHookProblem(context),
    }),
    emitTaken: emit(({ context }) => ({
      type: 'snapshots.taken' as const,
      snapshot: context.plan?.snapshot ?? '',
      filesystems: context.plan?.filesystems ?? [],
    })),
  },
}).createMachine({
  id: 'snapshotter',
  description: "A job's periodic snapshotter: snapshots every interval and wakes replication after each snapshot.",
  context: ({ input }) => ({
    prefix: input.prefix,
    intervalMs: input.intervalMs,
    // With cron and no explicit retry, 0 means: retry at the schedule's next time.
    errorRetryMs: input.errorRetryMs ?? (input.nextAt !== undefined ? 0 : input.intervalMs),
    now: input.now,
    nextAt: input.nextAt,
    naming: input.naming,
    hooks: input.hooks ?? false,
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
            guard: 'hasHooks',
            target: 'preHooks',
            actions: [{ type: 'recordPlan', params: ({ event }) => ({ filesystems: event.output }) }, 'madeProgress'],
          },
          {
            target: 'snapshotting',
            actions: [{ type: 'recordPlan', params: ({ event }) => ({ filesystems: event.output }) }, 'madeProgress'],
          },
        ],
        onError: {
          target: 'errorWait',
          actions: [{ type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }, 'scheduleRetry'],
        },
      },
    },
    preHooks: {
      description: 'Runs the pre_snapshot hooks of every planned filesystem; a fatal failure keeps that filesystem out of the snapshot.',
      invoke: {
        id: 'runPreHooks',
        src: 'runPreHooks',
        input: ({ context }) => ({ snapshot: context.plan?.snapshot ?? '', filesystems: context.plan?.filesystems ?? [] }),
        onDone: [
          {
            guard: { type: 'skipsEverything', params: ({ event }) => ({ skipped: event.output.skipped }) },
            target: 'postHooks',
            actions: [
              assign({
                hookRuns: ({ event }) => event.output.ran,
                skipped: ({ event }) => event.output.skipped,
                hookFailures: ({ event }) => event.output.failures,
                outcome: 'skipped' as const,
              }),
              assign({ problem: ({ context }) => fatalHookProblem(context) }),
              'madeProgress',
            ],
          },
          {
            target: 'snapshotting',
            actions: [
              assign({
                hookRuns: ({ event }) => event.output.ran,
                skipped: ({ event }) => event.output.skipped,
                hookFailures: ({ event }) => event.output.failures,
                plan: ({ context, event }) => ({
                  snapshot: context.plan?.snapshot ?? '',
                  filesystems: (context.plan?.filesystems ?? []).filter((fs) => !event.output.skipped.includes(fs)),
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
        onDone: [
          {
            guard: 'hasHooks',
            target: 'postHooks',
            actions: ['recordSnapshot', 'emitTaken', 'madeProgress'],
          },
          {
            target: 'waiting',
            actions: ['recordSnapshot', 'emitTaken', 'scheduleNextSnapshot', 'madeProgress'],
          },
        ],
        onError: [
          {
            guard: 'hasHooks',
            target: 'postHooks',
            actions: [assign({ outcome: 'failed' as const }), { type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }],
          },
          {
            target: 'errorWait',
            actions: [{ type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }, 'scheduleRetry'],
          },
        ],
      },
    },
    postHooks: {
      description: 'Runs the post_snapshot hooks owed by the pre hooks that ran, whatever became of the snapshot.',
      invoke: {
        id: 'runPostHooks',
        src: 'runPostHooks',
        input: ({ context }) => ({
          snapshot: context.plan?.snapshot ?? '',
          ran: context.hookRuns ?? [],
          outcome: context.outcome ?? 'failed',
          skipped: context.skipped ?? [],
        }),
        onDone: [
          {
            guard: 'snapshotFailed',
            target: 'errorWait',
            actions: [assign({ hookFailures: ({ context, event }) => [...(context.hookFailures ?? []), ...event.output] }), 'scheduleRetry'],
          },
          {
            target: 'waiting',
            actions: [assign({ hookFailures: ({ context, event }) => [...(context.hookFailures ?? []), ...event.output] }), 'scheduleNextSnapshot', 'madeProgress'],
          },
        ],
        onError: [
          { guard: 'snapshotFailed', target: 'errorWait', actions: 'scheduleRetry' },
          { target: 'waiting', actions: [{ type: 'recordProblem', params: ({ event }) => ({ error: event.error }) }, 'scheduleNextSnapshot'] },
        ],
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

