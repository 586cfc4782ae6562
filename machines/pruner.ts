import { assign, enqueueActions, setup } from 'xstate';
import type { FilesystemVersion } from '../src/domain/version.js';
import type { ListPruneStateInput } from '../src/pruner/list-prune-state.js';
import type { KeepRule } from '../src/pruning/keep-rule.js';
import { planPruneSide, type PruneFilesystemPlan, type PruneListing, type PruneSide } from '../src/pruner/plan-prune-side.js';
import { cancellationProblem } from '../src/replication/cancellation.js';
import { permanentProblem, problemFrom, type Problem } from '../src/replication/problem.js';
import { gaveUp, hasTriesLeft, mayRetry, retryDelay } from '../src/replication/retry-policy.js';
import type { RetryPolicy } from '../src/runner/job-options.js';
import { unprovidedEventStream, unprovidedPromise } from './placeholder-actor.js';
import { ERROR_TAG, madeProgress, NO_PROGRESS, type ProgressRecord } from './progress.js';

/** Input of a pruner run on one side. */
export interface PrunerMachineInput {
  side: PruneSide;
  jobId: string;
  rules: readonly KeepRule[];
  retry: RetryPolicy;
  now: () => number;
  /**
   * Sender only: per filesystem, the newest snapshot this invocation's replication received. The
   * pruner never destroys it, even where the cursor could not follow (a watchdog cancel).
   */
  received?: ReadonlyMap<string, FilesystemVersion> | undefined;
  /** Most snapshots per destroy call, so progress is recorded per batch; {@link DEFAULT_DESTROY_BATCH} when absent. */
  destroyBatch?: number | undefined;
}

/**
 * Snapshots destroyed per call by default: each destroyed batch is progress for the watchdog, so
 * pruning 100,000 snapshots is 1,000 steps of progress, not one that the watchdog cancels half-way.
 * Small enough that one batch takes seconds even one `zfs destroy` a snapshot (zfs-fuse).
 */
export const DEFAULT_DESTROY_BATCH = 100;

/**
 * Input of the `destroySnapshots` actor: batches of snapshots to destroy, each of one filesystem;
 * a filesystem with more than one batch's worth appears once per batch, in order.
 */
export interface DestroySnapshotsInput {
  side: PruneSide;
  work: { filesystem: string; snapshots: string[] }[];
}

/** One destroy outcome of a snapshot, as data. */
export interface DestroyOutcome {
  name: string;
  problem?: Problem | undefined;
}

/** Emitted by `destroySnapshots` once per batch, so one filesystem's error never blocks the others and each batch is progress. */
export interface DestroyReportedEvent {
  type: 'destroy.reported';
  filesystem: string;
  results: DestroyOutcome[];
}

/** How a pruner run ended. */
export interface PrunerMachineOutput {
  side: PruneSide;
  state: 'done' | 'errPerm';
  problem?: Problem | undefined;
  filesystems: PruneFilesystemPlan[];
}

/** Events the pruner takes from outside. */
export type PrunerEvent = { type: 'cancel'; reason: string } | DestroyReportedEvent;

/** The pruner's context: its input, the plan and what it did. */
export interface PrunerContext extends PrunerMachineInput {
  filesystems: PruneFilesystemPlan[];
  attempts: number;
  problem: Problem | undefined;
  sleepUntil: number | undefined;
  outcome: PrunerMachineOutput['state'] | undefined;
  progress: ProgressRecord;
}

function hasPending(filesystems: readonly PruneFilesystemPlan[]): boolean {
  return filesystems.some((f) => f.pending.length > 0);
}

/** The pending snapshots as destroy batches of at most `size`, filesystem by filesystem. */
export function destroyBatches(filesystems: readonly PruneFilesystemPlan[], size: number): DestroySnapshotsInput['work'] {
  const per = Math.max(1, Math.floor(size));
  const work: DestroySnapshotsInput['work'] = [];
  for (const f of filesystems) {
    for (let i = 0; i < f.pending.length; i += per) work.push({ filesystem: f.filesystem, snapshots: f.pending.slice(i, i + per) });
  }
  return work;
}

// The definition; exported below under its named type.
const prunerMachineDefinition = setup({
  types: {
    input: {} as PrunerMachineInput,
    context: {} as PrunerContext,
    events: {} as PrunerEvent,
    output: {} as PrunerMachineOutput,
  },
  actors: {
    listPruneState: unprovidedPromise<PruneListing, ListPruneStateInput>('listPruneState'),
    destroySnapshots: unprovidedEventStream<DestroyReportedEvent, DestroySnapshotsInput>('destroySnapshots'),
  },
  delays: {
    pruneRetry: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
  },
  guards: {
    isRetryableError: ({ context }, params: { error: unknown }) => mayRetry(context.retry, params.error, context.attempts),
    hasNothingToDestroy: ({ context }) => !hasPending(context.filesystems),
    hasNoRules: ({ context }) => context.rules.length === 0,
    canRetryPending: ({ context }) => hasPending(context.filesystems) && hasTriesLeft(context.retry, context.attempts),
    destroyedSomething: ({ event }) => event.type === 'destroy.reported' && event.results.some((r) => !r.problem),
  },
  actions: {
    madeProgress: madeProgress(),
    recordPlan: assign(({ context }, params: { listing: PruneListing }) => ({
      filesystems: planPruneSide(params.listing, context.rules, context.side, context.jobId, context.now()),
      attempts: 0,
      problem: undefined,
      sleepUntil: undefined,
    })),
    recordRetry: assign(({ context }, params: { error: unknown }) => {
      const now = context.now();
      const attempts = context.attempts + 1;
      return { attempts, problem: problemFrom(params.error, now), sleepUntil: now + retryDelay(context.retry, attempts) };
    }),
    recordPendingRetry: assign(({ context }) => {
      const now = context.now();
      const attempts = context.attempts + 1;
      return { attempts, sleepUntil: now + retryDelay(context.retry, attempts) };
    }),
    recordFailure: assign(({ context }, params: { error: unknown }) => ({ problem: problemFrom(params.error, context.now()) })),
    recordDestroyed: assign(({ context }, params: DestroyReportedEvent) => ({
      filesystems: context.filesystems.map((f) => {
        if (f.filesystem !== params.filesystem) return f;
        const destroyed = params.results.filter((r) => !r.problem).map((r) => r.name);
        const failed = params.results.filter((r) => r.problem);
        // A report covers one batch: what it destroyed or failed for good leaves pending, a
        // transient failure stays for execWait, and the other batches' snapshots stay untouched.
        const settled = new Set(params.results.filter((r) => !r.problem || r.problem.errorClass !== 'transient').map((r) => r.name));
        const lastProblem = failed[failed.length - 1]?.problem;
        return {
          ...f,
          destroyed: [...f.destroyed, ...destroyed],
          pending: f.pending.filter((n) => !settled.has(n)),
          problem: lastProblem ?? f.problem,
        };
      }),
    })),
    giveUpPending: assign(({ context }) => ({
      filesystems: context.filesystems.map((f) =>
        f.pending.length === 0
          ? f
          : {
              ...f,
              pending: [],
              problem: gaveUp(f.problem ?? permanentProblem('dataset-busy', 'snapshots could not be destroyed', context.now(), f.filesystem), context.attempts + 1),
            },
      ),
    })),
    recordCancellation: assign(({ context }, params: { reason: string }) => ({
      // A cancel in planWait or execWait keeps what was being retried.
      problem: cancellationProblem('pruning', params.reason, context.now(), context.problem ?? context.filesystems.find((f) => f.pending.length > 0 && f.problem)?.problem),
      sleepUntil: undefined,
    })),
    markDone: assign({ outcome: 'done' as const }),
    markFailed: assign({ outcome: 'errPerm' as const }),
  },
}).createMachine({
  id: 'pruner',
  description: "Prunes one side's snapshots by the job's keep rules.",
  context: ({ input }) => ({
    ...input,
    filesystems: [],
    attempts: 0,
    problem: undefined,
    sleepUntil: undefined,
    outcome: undefined,
    progress: NO_PROGRESS,
  }),
  initial: 'plan',
  on: {
    cancel: {
      target: '.errPerm',
      actions: { type: 'recordCancellation', params: ({ event }) => ({ reason: event.reason }) },
    },
  },
  states: {
    plan: {
      description: 'Lists the side (versions, holds and cursors) and applies the keep rules.',
      // No rules destroy nothing: then there is nothing to list either.
      always: { guard: 'hasNoRules', target: 'done' },
      invoke: {
        id: 'listPruneState',
        src: 'listPruneState',
        input: ({ context }) => ({ side: context.side, jobId: context.jobId, received: context.received }),
        onDone: {
          target: 'exec',
          actions: [{ type: 'recordPlan', params: ({ event }) => ({ listing: event.output }) }, 'madeProgress'],
        },
        onError: [
          {
            guard: { type: 'isRetryableError', params: ({ event }) => ({ error: event.error }) },
            target: 'planWait',
            actions: { type: 'recordRetry', params: ({ event }) => ({ error: event.error }) },
          },
          { target: 'errPerm', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
        ],
      },
    },
    planWait: {
      description: 'Listing failed in a way that may pass; waits until sleepUntil. Retrying is no progress.',
      tags: [ERROR_TAG],
      after: { pruneRetry: { target: 'plan' } },
    },
    exec: {
      description: 'Destroys the planned snapshots, filesystem by filesystem.',
      initial: 'checking',
      states: {
        checking: {
          description: 'An empty destroy list sends nothing.',
          always: [
            // The plan that led here recorded its progress; checking does no work.
            { guard: 'hasNothingToDestroy', target: '#pruner.done' },
            { target: 'destroying' },
          ],
        },
        destroying: {
          description: 'The endpoint destroys the pending snapshots in batches; each batch reports on its own and is progress when it destroyed something.',
          invoke: {
            id: 'destroySnapshots',
            src: 'destroySnapshots',
            input: ({ context }) => ({
              side: context.side,
              work: destroyBatches(context.filesystems, context.destroyBatch ?? DEFAULT_DESTROY_BATCH),
            }),
            onDone: [
              { guard: 'hasNothingToDestroy', target: '#pruner.done', actions: 'madeProgress' },
              { guard: 'canRetryPending', target: '#pruner.execWait', actions: 'recordPendingRetry' },
              { target: '#pruner.done', actions: ['giveUpPending', 'madeProgress'] },
            ],
            onError: [
              {
                guard: { type: 'isRetryableError', params: ({ event }) => ({ error: event.error }) },
                target: '#pruner.execWait',
                actions: { type: 'recordRetry', params: ({ event }) => ({ error: event.error }) },
              },
              { target: '#pruner.errPerm', actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) } },
            ],
          },
          on: {
            'destroy.reported': [
              {
                guard: 'destroyedSomething',
                actions: [{ type: 'recordDestroyed', params: ({ event }) => event }, 'madeProgress'],
              },
              { actions: { type: 'recordDestroyed', params: ({ event }) => event } },
            ],
          },
        },
      },
    },
    execWait: {
      description: 'Some destroys failed in a way that may pass (a busy dataset); waits until sleepUntil. Retrying is no progress.',
      tags: [ERROR_TAG],
      after: { pruneRetry: { target: 'exec' } },
    },
    done: { description: 'Every filesystem is pruned or has its own problem.', type: 'final', entry: 'markDone' },
    errPerm: { description: 'Listing failed for good, or the pruner was cancelled.', type: 'final', tags: [ERROR_TAG], entry: 'markFailed' },
  },
  output: ({ context }) => ({
    side: context.side,
    state: context.outcome ?? 'errPerm',
    problem: context.problem,
    filesystems: context.filesystems,
  }),
});

type PrunerMachineType = typeof prunerMachineDefinition;

/**
 * The type of the pruner machine, named: declarations that embed it (a parent machine's actors, provided
 * copies) refer to it by this name instead of repeating XState's whole inferred type.
 */
export interface PrunerMachine extends PrunerMachineType {}

/**
 * Prunes one side (zrepl's pruner states): plan lists the side and applies the keep rules, exec
 * destroys what they destroy, filesystem by filesystem in batches of at most `destroyBatch`
 * snapshots, each batch that destroyed something recorded as progress (a long prune keeps the
 * watchdog informed). Listing failures wait in planWait, transient destroy failures (a busy
 * dataset) in execWait; retries are bounded.
 */
export const prunerMachine: PrunerMachine = prunerMachineDefinition;
