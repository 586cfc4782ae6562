import { assign, enqueueActions, setup } from 'xstate';
import type { FilesystemVersion } from '../src/domain/version.js';
import type { AttemptResult, PlannedStep } from '../src/replication/filesystem-entry.js';
import { problemFrom, type Problem } from '../src/replication/problem.js';
import { finalProblem, mayRetry, retryDelay } from '../src/replication/retry-policy.js';
import type { RetryPolicy } from '../src/runner/job-options.js';
import { unprovidedEventStream, unprovidedPromise } from './placeholder-actor.js';
import { ERROR_TAG, madeProgress, NO_PROGRESS, type ProgressRecord } from './progress.js';
import type { InitialReceivedEvent } from './initial-received.js';
import type { SlotReleasedEvent } from './slot-release.js';

/** What the replication machine hands a filesystem machine: one attempt at the remaining steps. */
export interface FilesystemMachineInput {
  path: string;
  steps: readonly PlannedStep[];
  /** Failed attempts so far. */
  attempts: number;
  jobId: string;
  retry: RetryPolicy;
  now: () => number;
  /** The sender's cursor as last known, handed to the endpoint when the cursor moves. */
  cursor?: FilesystemVersion | undefined;
}

/** How the attempt ended; the replication machine keeps this as data and may start another. */
export type FilesystemMachineOutput = AttemptResult;

/** Input of the `transfer` actor: send `step` from the sender and receive it on the receiver. */
export interface TransferInput {
  path: string;
  step: PlannedStep;
}

/** Emitted by `transfer` at most once per progress interval, and once at the end. */
export interface TransferProgressEvent {
  type: 'transfer.progress';
  bytes: number;
  /** The stream continues an interrupted one from the receiver's resume token. */
  resumed?: boolean | undefined;
}

/** Input of the `setCursor` actor. */
export interface SetCursorInput {
  path: string;
  version: FilesystemVersion;
  jobId: string;
  /** The cursor being replaced, when known. */
  previous?: FilesystemVersion | undefined;
}

/** The filesystem machine's context: its input plus what the attempt has done. */
export interface FilesystemContext extends FilesystemMachineInput {
  steps: PlannedStep[];
  status: FilesystemMachineOutput['status'] | 'ready';
  retryAt: number | undefined;
  problem: Problem | undefined;
  needsReplan: boolean;
  progress: ProgressRecord;
}

/** Error kinds after which the step cannot succeed as planned: the plan must be made again. */
const STALE_PLAN_KINDS: ReadonlySet<string> = new Set(['dataset-not-found', 'incremental-base-mismatch']);

function currentStepIndex(steps: readonly PlannedStep[]): number {
  return steps.findIndex((s) => !s.done);
}

/** The first step not yet on the receiver: steps are received in order, so all before it are. */
function nextToTransfer(steps: readonly PlannedStep[]): number {
  return steps.findIndex((s) => !s.received && !s.done);
}

/**
 * The newest snapshot the receiver is known to have while steps remain unsaved: the last received
 * step's, else the base the plan starts from (the newest common snapshot planning found). Undefined
 * for a full send not yet received, or a plan based on a bookmark (zfs-fuse has no bookmark cursors).
 */
export function newestOnReceiver(steps: readonly PlannedStep[]): { version: FilesystemVersion; index: number } | undefined {
  let last = -1;
  steps.forEach((s, i) => {
    if (s.received && !s.done) last = i;
  });
  const received = steps[last];
  if (received !== undefined) return { version: received.to, index: last };
  const next = steps.find((s) => !s.done);
  if (next?.from?.type === 'snapshot') return { version: next.from, index: -1 };
  return undefined;
}

/** True when the cursor is behind the newest snapshot the receiver has (never moves it backwards). */
function cursorBehind(context: FilesystemContext): boolean {
  const target = newestOnReceiver(context.steps)?.version;
  if (target === undefined) return false;
  const cursor = context.cursor;
  return cursor === undefined || (cursor.guid !== target.guid && cursor.createTxg < target.createTxg);
}

function isStalePlan(error: unknown): boolean {
  return STALE_PLAN_KINDS.has(problemFrom(error, 0).kind);
}

function isRetryable(context: FilesystemContext, error: unknown): boolean {
  return mayRetry(context.retry, error, context.attempts);
}

function updateStep(steps: readonly PlannedStep[], i: number, change: Partial<PlannedStep>): PlannedStep[] {
  return steps.map((s, j) => (j === i ? { ...s, ...change } : s));
}

// The definition; exported below under its named type.
const filesystemMachineDefinition = setup({
  types: {
    input: {} as FilesystemMachineInput,
    context: {} as FilesystemContext,
    events: {} as TransferProgressEvent,
    output: {} as FilesystemMachineOutput,
  },
  actors: {
    transfer: unprovidedEventStream<TransferProgressEvent, TransferInput>('transfer'),
    setCursor: unprovidedPromise<void, SetCursorInput>('setCursor'),
  },
  guards: {
    allStepsDone: ({ context }) => currentStepIndex(context.steps) < 0,
    isCursorBehind: ({ context }) => cursorBehind(context),
    willRetry: ({ context }) => context.status === 'retryWait',
    hasStepToTransfer: ({ context }) => nextToTransfer(context.steps) >= 0,
    isStalePlanError: (_, params: { error: unknown }) => isStalePlan(params.error),
    isRetryableError: ({ context }, params: { error: unknown }) => isRetryable(context, params.error),
    isStalePlanErrorWithCursorBehind: ({ context }, params: { error: unknown }) => isStalePlan(params.error) && cursorBehind(context),
    isRetryableErrorWithCursorBehind: ({ context }, params: { error: unknown }) => isRetryable(context, params.error) && cursorBehind(context),
  },
  actions: {
    madeProgress: madeProgress(),
    recordBytes: assign({
      steps: ({ context }, params: { bytes: number; resumed: boolean }) =>
        updateStep(context.steps, nextToTransfer(context.steps), { bytes: params.bytes, resumed: params.resumed }),
    }),
    markReceived: assign({
      steps: ({ context }) => updateStep(context.steps, nextToTransfer(context.steps), { received: true, resumeToken: undefined, interrupted: undefined }),
    }),
    markInterrupted: assign({
      steps: ({ context }) => updateStep(context.steps, nextToTransfer(context.steps), { interrupted: true }),
    }),
    // Runs before markReceived: the step about to be marked is the one just received.
    reportInitialReceived: enqueueActions(({ context, enqueue, self }) => {
      const step = context.steps[nextToTransfer(context.steps)];
      if (step?.kind !== 'transfer' || step.from !== undefined || self._parent === undefined) return;
      enqueue.sendParent({ type: 'filesystem.initialReceived', path: context.path } satisfies InitialReceivedEvent);
    }),
    // The parent is the replication machine that holds the slot (see slot-release.ts); XState's
    // sendParent throws without one, so a machine run on its own keeps its slot.
    releaseSlotAfterLastTransfer: enqueueActions(({ context, enqueue, self }) => {
      if (!context.steps.every((s) => s.received || s.done) || self._parent === undefined) return;
      enqueue.sendParent({ type: 'filesystem.transferred', path: context.path } satisfies SlotReleasedEvent);
    }),
    markSavedSteps: assign(({ context }) => {
      const saved = newestOnReceiver(context.steps);
      if (saved === undefined) return {};
      return { steps: context.steps.map((s, i) => (i <= saved.index && !s.done ? { ...s, done: true } : s)), cursor: saved.version };
    }),
    markAllDone: assign(({ context }) => ({
      steps: context.steps.map((s) => (s.done ? s : { ...s, done: true })),
      cursor: context.steps.at(-1)?.to ?? context.cursor,
    })),
    recordRetry: assign(({ context }, params: { error: unknown; replan: boolean }) => {
      const now = context.now();
      const attempts = context.attempts + 1;
      return {
        attempts,
        status: 'retryWait' as const,
        problem: problemFrom(params.error, now),
        needsReplan: params.replan,
        retryAt: now + retryDelay(context.retry, attempts),
      };
    }),
    recordFailure: assign(({ context }, params: { error: unknown }) => {
      const attempts = context.attempts + 1;
      return { attempts, status: 'permanentError' as const, problem: finalProblem(params.error, context.now(), attempts) };
    }),
    recordCompleted: assign({ status: 'completed' as const, problem: undefined }),
  },
}).createMachine({
  id: 'filesystem',
  description: "One attempt at a filesystem's remaining replication steps.",
  context: ({ input }) => ({
    ...input,
    steps: input.steps.map((s) => ({ ...s })),
    status: 'ready',
    retryAt: undefined,
    problem: undefined,
    needsReplan: false,
    progress: NO_PROGRESS,
  }),
  initial: 'ready',
  states: {
    ready: {
      description: 'Working through the steps in order.',
      initial: 'choosing',
      states: {
        choosing: {
          description: 'Picks what the current step still needs.',
          always: [
            // Choosing does no work: the transfer or cursor move that led here recorded it.
            { guard: 'allStepsDone', target: '#filesystem.completed', actions: 'recordCompleted' },
            { guard: 'hasStepToTransfer', target: 'transferring' },
            { target: 'settingCursor' },
          ],
        },
        transferring: {
          description: "Streams the step's snapshot from the sender into the receiver, counting bytes.",
          invoke: {
            id: 'transfer',
            src: 'transfer',
            input: ({ context }) => {
              const step = context.steps[nextToTransfer(context.steps)];
              if (!step) throw new Error(`${context.path}: no step left to transfer`);
              return { path: context.path, step };
            },
            onDone: { target: 'choosing', actions: ['reportInitialReceived', 'markReceived', 'releaseSlotAfterLastTransfer', 'madeProgress'] },
            // Every failure first records how the attempt ends, then saves the cursor where the
            // receiver got further than the cursor (see savingCursor), else ends at once. A failure
            // is no progress: only the cursor move, once done, is.
            onError: [
              {
                guard: { type: 'isStalePlanErrorWithCursorBehind', params: ({ event }) => ({ error: event.error }) },
                target: '#filesystem.savingCursor',
                actions: ['markInterrupted', { type: 'recordRetry', params: ({ event }) => ({ error: event.error, replan: true }) }],
              },
              {
                guard: { type: 'isStalePlanError', params: ({ event }) => ({ error: event.error }) },
                target: '#filesystem.retryWait',
                actions: ['markInterrupted', { type: 'recordRetry', params: ({ event }) => ({ error: event.error, replan: true }) }],
              },
              {
                guard: { type: 'isRetryableErrorWithCursorBehind', params: ({ event }) => ({ error: event.error }) },
                target: '#filesystem.savingCursor',
                actions: ['markInterrupted', { type: 'recordRetry', params: ({ event }) => ({ error: event.error, replan: false }) }],
              },
              {
                guard: { type: 'isRetryableError', params: ({ event }) => ({ error: event.error }) },
                target: '#filesystem.retryWait',
                actions: ['markInterrupted', { type: 'recordRetry', params: ({ event }) => ({ error: event.error, replan: false }) }],
              },
              {
                guard: 'isCursorBehind',
                target: '#filesystem.savingCursor',
                actions: ['markInterrupted', { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) }],
              },
              {
                target: '#filesystem.permanentError',
                actions: ['markInterrupted', { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) }],
              },
            ],
          },
          on: {
            'transfer.progress': {
              actions: [{ type: 'recordBytes', params: ({ event }) => ({ bytes: event.bytes, resumed: event.resumed === true }) }, 'madeProgress'],
            },
          },
        },
        settingCursor: {
          description: "Every step is received: moves the sender's replication cursor to the newest one.",
          invoke: {
            id: 'setCursor',
            src: 'setCursor',
            input: ({ context }) => {
              const step = context.steps.at(-1);
              if (!step) throw new Error(`${context.path}: no step left for a cursor update`);
              return { path: context.path, version: step.to, jobId: context.jobId, previous: context.cursor };
            },
            onDone: { target: 'choosing', actions: ['markAllDone', 'madeProgress'] },
            onError: [
              {
                guard: { type: 'isRetryableError', params: ({ event }) => ({ error: event.error }) },
                target: '#filesystem.retryWait',
                actions: { type: 'recordRetry', params: ({ event }) => ({ error: event.error, replan: false }) },
              },
              {
                target: '#filesystem.permanentError',
                actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
              },
            ],
          },
        },
      },
    },
    savingCursor: {
      description:
        "A transfer failed after the receiver got further than the cursor: moves the cursor to the newest snapshot the receiver has, then ends as the failure decided. The failure that led here is no progress; the cursor move, once done, is (the sender's pruner may now destroy what it replaced).",
      invoke: {
        id: 'saveCursor',
        src: 'setCursor',
        input: ({ context }) => {
          const target = newestOnReceiver(context.steps);
          if (!target) throw new Error(`${context.path}: nothing received to move the cursor to`);
          return { path: context.path, version: target.version, jobId: context.jobId, previous: context.cursor };
        },
        onDone: [
          { guard: 'willRetry', target: 'retryWait', actions: ['markSavedSteps', 'madeProgress'] },
          { target: 'permanentError', actions: ['markSavedSteps', 'madeProgress'] },
        ],
        // The transfer's failure is what the attempt reports; received steps stay received, so the
        // next attempt moves the cursor again.
        onError: [{ guard: 'willRetry', target: 'retryWait' }, { target: 'permanentError' }],
      },
    },
    retryWait: {
      description: 'The attempt failed in a way a later attempt may fix; the replication queue schedules it.',
      type: 'final',
      tags: [ERROR_TAG],
    },
    completed: { description: 'Every step is on the receiver and the cursor is moved.', type: 'final' },
    permanentError: { description: 'The attempt failed and retrying cannot help.', type: 'final', tags: [ERROR_TAG] },
  },
  output: ({ context }) => ({
    path: context.path,
    status: context.status === 'ready' ? 'permanentError' : context.status,
    steps: context.steps,
    attempts: context.attempts,
    retryAt: context.retryAt,
    problem: context.problem,
    needsReplan: context.needsReplan,
    cursor: context.cursor,
  }),
});

type FilesystemMachineType = typeof filesystemMachineDefinition;

/**
 * The type of the filesystem machine, named: declarations that embed it (a parent machine's actors, provided
 * copies) refer to it by this name instead of repeating XState's whole inferred type.
 */
export interface FilesystemMachine extends FilesystemMachineType {}

/**
 * One filesystem's replication attempt: transfer each remaining step in order (send → receive,
 * bytes counted), then move the sender's replication cursor once, to the newest received
 * snapshot. A failure ends the attempt in `retryWait` (the replication machine's queue decides
 * when to try again) or `permanentError`; received steps stay marked received, so the next attempt
 * transfers only what is missing, and redoes only the cursor move when that was what failed. A
 * cursor is moved once per attempt, not once per step, which saves a cursor write (three zfs
 * processes where the cursor is a bookmark) for every step but the last. A failed attempt still
 * moves it to the newest snapshot the receiver has (`savingCursor`) before it ends: a cursor left
 * at the attempt's start would let the sender's pruner count the received snapshots as
 * unreplicated bases and destroy the one the next incremental needs. A cancel stops this machine
 * with the run, so that move cannot follow a watchdog cancel; the job's sender pruner then protects
 * what was received, and the next attempt's failure path or last step moves the cursor.
 */
export const filesystemMachine: FilesystemMachine = filesystemMachineDefinition;
