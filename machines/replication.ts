import { and, assign, enqueueActions, setup, type DoneActorEvent, type ErrorActorEvent } from 'xstate';
import type { EndpointListing } from '../src/endpoint/endpoint.js';
import type { ListSideInput } from '../src/actors/list-side.js';
import { cancelWork } from '../src/replication/cancellation.js';
import { estimateRequests, recordEstimate, type EstimateRequest } from '../src/replication/estimate-requests.js';
import type { FilesystemEntry, PlannedStep } from '../src/replication/filesystem-entry.js';
import { planFilesystems } from '../src/replication/plan-filesystems.js';
import { problemFrom, type Problem } from '../src/replication/problem.js';
import { earliestRetry } from '../src/replication/queue.js';
import {
  emptyWork,
  fillSlots,
  freeSlots,
  giveUpReplanning,
  hasMoreToStart,
  recordAttempt,
  recordCrash,
  recordInitialReceived,
  releaseSlot,
  retryWaitingNow,
  workFromPlan,
  workOutlook,
  type ReplicationWork,
} from '../src/replication/replication-work.js';
import { finalProblem, hasTriesLeft, mayRetry, retryDelay } from '../src/replication/retry-policy.js';
import type { InitialReplicationPolicy, RetryPolicy } from '../src/runner/job-options.js';
import { filesystemMachine, type FilesystemMachineOutput } from './filesystem.js';
import { unprovidedEventStream, unprovidedPromise } from './placeholder-actor.js';
import { ERROR_TAG, madeProgress, NO_PROGRESS, WAIT_TAG, type ProgressMadeEvent, type ProgressRecord } from './progress.js';
import type { InitialReceivedEvent } from './initial-received.js';
import type { SlotReleasedEvent } from './slot-release.js';

export type { EstimateRequest };

/** Which endpoint a listing actor talks to. */
export type Side = 'sender' | 'receiver';

/** Input of a replication run. */
export interface ReplicationMachineInput {
  jobId: string;
  /** Filesystems worked on at once. */
  concurrency: number;
  /** Size estimates requested at once. */
  estimateConcurrency: number;
  initialReplication: InitialReplicationPolicy;
  retry: RetryPolicy;
  now: () => number;
}

/** Input of the `estimateSendSizes` actor. */
export interface EstimateSendSizesInput {
  requests: readonly EstimateRequest[];
  concurrency: number;
}

/** Emitted by `estimateSendSizes` once per answered request; `bytes` undefined when unknown. */
export interface EstimateReportedEvent {
  type: 'estimate.reported';
  filesystem: string;
  stepIndex: number;
  bytes: number | undefined;
}

/** How a replication run ended. */
export interface ReplicationMachineOutput {
  state: 'completed' | 'permanentError';
  problem?: Problem | undefined;
  filesystems: FilesystemEntry[];
  startedAt: number;
  finishedAt: number;
}

/** Events the replication machine takes from outside. */
export type ReplicationEvent =
  | { type: 'wakeup' }
  | { type: 'cancel'; reason: string }
  | EstimateReportedEvent
  | SlotReleasedEvent
  | InitialReceivedEvent
  | ProgressMadeEvent
  | DoneActorEvent<FilesystemMachineOutput, string>
  | ErrorActorEvent<unknown, string>;

/** The replication machine's context: its input, the listings, and the work (per-filesystem entries, queue, slots). */
export interface ReplicationContext extends ReplicationMachineInput, ReplicationWork {
  /** The sender's listing, kept only until the plan is made. */
  senderListing: EndpointListing | undefined;
  /** The receiver's listing, kept only until the plan is made. */
  receiverListing: EndpointListing | undefined;
  /** Planning failures since the last plan was made (the planning retry budget). */
  planningFailures: number;
  /** Plans made again after a stale-plan failure (the re-plan budget, apart from planning's). */
  replans: number;
  /** Size estimates asked for and not yet answered. */
  pendingEstimates: number;
  sleepUntil: number | undefined;
  problem: Problem | undefined;
  outcome: ReplicationMachineOutput['state'] | undefined;
  startedAt: number;
  finishedAt: number | undefined;
  progress: ProgressRecord;
}

/** The id of the filesystem machine working on `path`. */
export function filesystemChildId(path: string): string {
  return `fs.${path}`;
}

const DONE_PREFIX = 'xstate.done.actor.fs.';
const ERROR_PREFIX = 'xstate.error.actor.fs.';

/** True for a filesystem machine's snapshot (a child's, read when the run is cancelled). */
function isFilesystemSnapshot(value: unknown): value is { context: { steps: FilesystemEntry['steps'] } } {
  if (typeof value !== 'object' || value === null || !('context' in value)) return false;
  const context: unknown = value.context;
  return typeof context === 'object' && context !== null && 'steps' in context && Array.isArray(context.steps);
}

const planningFailure = [
  {
    guard: { type: 'isRetryablePlanningError' as const, params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
    target: '#replication.planningError',
    actions: { type: 'recordPlanningRetry' as const, params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
  },
  {
    target: '#replication.permanentError',
    actions: { type: 'recordPlanningFailure' as const, params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
  },
];

const replicationSetup = setup({
  types: {
    input: {} as ReplicationMachineInput,
    context: {} as ReplicationContext,
    events: {} as ReplicationEvent,
    output: {} as ReplicationMachineOutput,
  },
  actors: {
    listSide: unprovidedPromise<EndpointListing, ListSideInput>('listSide'),
    estimateSendSizes: unprovidedEventStream<EstimateReportedEvent, EstimateSendSizesInput>('estimateSendSizes'),
    filesystem: filesystemMachine,
  },
  delays: {
    planningRetry: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
    retryDue: ({ context }) => Math.max(0, (context.sleepUntil ?? 0) - context.now()),
    // Only entered when a retry is waiting (hasRetryForFreeSlot).
    nextRetryDue: ({ context }) => Math.max(0, (earliestRetry(context.entries, context.queue) ?? context.now()) - context.now()),
  },
  guards: {
    isRetryablePlanningError: ({ context }, params: { error: unknown }) => mayRetry(context.retry, params.error, context.planningFailures),
    hasNoEstimates: ({ context }) => context.pendingEstimates === 0,
    hasRetryForFreeSlot: ({ context }) => earliestRetry(context.entries, context.queue) !== undefined && freeSlots(context, context.concurrency) > 0,
    hasListing: ({ context }, params: { side: Side }) => (params.side === 'sender' ? context.senderListing : context.receiverListing) !== undefined,
    isWorkDone: ({ context }) => workOutlook(context, context.now()) === 'done',
    mustReplan: ({ context }) => workOutlook(context, context.now()) === 'replan',
    canReplan: ({ context }) => hasTriesLeft(context.retry, context.replans),
    isOnlyWaiting: ({ context }) => workOutlook(context, context.now()) === 'onlyWaiting',
    isFilesystemCompleted: ({ event }) =>
      event.type.startsWith(DONE_PREFIX) && (event as DoneActorEvent<FilesystemMachineOutput>).output.status === 'completed',
  },
  actions: {
    madeProgress: madeProgress(),
    startPlanning: assign({ problem: undefined, sleepUntil: undefined }),
    recordPlanningRetry: assign(({ context }, params: { error: unknown }) => {
      const now = context.now();
      const planningFailures = context.planningFailures + 1;
      return { planningFailures, problem: problemFrom(params.error, now), sleepUntil: now + retryDelay(context.retry, planningFailures) };
    }),
    recordPlanningFailure: assign(({ context }, params: { error: unknown }) => ({
      problem: finalProblem(params.error, context.now(), context.planningFailures + 1),
      sleepUntil: undefined,
    })),
    recordListing: assign((_, params: { side: 'sender' | 'receiver'; listing: EndpointListing }) =>
      params.side === 'sender' ? { senderListing: params.listing } : { receiverListing: params.listing },
    ),
    planFromListings: assign(({ context }) => {
      const sender = context.senderListing;
      const receiver = context.receiverListing;
      const planned = planFilesystems(
        {
          senderFilesystems: sender?.filesystems ?? [],
          receiverFilesystems: receiver?.filesystems ?? [],
          senderVersions: sender?.versions ?? new Map(),
          receiverVersions: receiver?.versions ?? new Map(),
          senderCursors: sender?.cursors ?? new Map(),
        },
        context.initialReplication,
        context.now(),
      );
      const work = workFromPlan(context.entries.toArray(), planned);
      return {
        ...work,
        pendingEstimates: estimateRequests(work.entries.toArray()).length,
        // A plan made spends nothing of the next planning's retries.
        planningFailures: 0,
        // The listings are only needed to plan; drop them so snapshots stay small.
        senderListing: undefined,
        receiverListing: undefined,
      };
    }),
    recordEstimate: assign(({ context }, params: EstimateReportedEvent) => ({
      entries: recordEstimate(context.entries, context.indexOf, params),
      pendingEstimates: Math.max(0, context.pendingEstimates - 1),
    })),
    fillSlots: enqueueActions(({ context, enqueue }) => {
      const { work, started } = fillSlots(context, context.concurrency, context.now());
      for (const entry of started) {
        enqueue.spawnChild('filesystem', {
          id: filesystemChildId(entry.path),
          input: {
            path: entry.path,
            steps: entry.steps,
            attempts: entry.attempts,
            jobId: context.jobId,
            retry: context.retry,
            now: context.now,
            cursor: entry.cursor,
          },
        });
      }
      enqueue.assign({ ...work, sleepUntil: undefined });
    }),
    recordFilesystemResult: enqueueActions(({ context, event, enqueue }) => {
      if (!event.type.startsWith(DONE_PREFIX)) return;
      const output = (event as DoneActorEvent<FilesystemMachineOutput>).output;
      enqueue.stopChild(filesystemChildId(output.path));
      enqueue.assign(recordAttempt(context, output));
    }),
    recordFilesystemCrash: enqueueActions(({ context, event, enqueue }) => {
      if (!event.type.startsWith(ERROR_PREFIX)) return;
      const path = event.type.slice(ERROR_PREFIX.length);
      enqueue.stopChild(filesystemChildId(path));
      enqueue.assign(recordCrash(context, path, problemFrom((event as ErrorActorEvent).error, context.now())));
    }),
    releaseSlot: assign(({ context }, params: { path: string }) => releaseSlot(context, params.path)),
    recordInitialReceived: assign(({ context }, params: { path: string }) => recordInitialReceived(context, params.path)),
    startReplan: assign(({ context }) => ({ replans: context.replans + 1 })),
    giveUpReplanning: assign(({ context }) => giveUpReplanning(context, context.replans + 1)),
    recordSleepUntil: assign({ sleepUntil: ({ context }) => earliestRetry(context.entries, context.queue) }),
    retryWaitingNow: assign(({ context }) => ({ ...retryWaitingNow(context, context.now()), sleepUntil: undefined })),
    recordCancellation: assign(({ context, self }, params: { reason: string }) => {
      // The children stop with this run; their live steps say what they had done.
      const children = self.getSnapshot().children;
      const liveSteps = (path: string): PlannedStep[] | undefined => {
        const live: unknown = children[filesystemChildId(path)]?.getSnapshot();
        return isFilesystemSnapshot(live) ? live.context.steps : undefined;
      };
      const { work, problem } = cancelWork(context, context.problem, params.reason, context.now(), liveSteps);
      return { ...work, problem, sleepUntil: undefined };
    }),
    markCompleted: assign({ outcome: 'completed' as const, finishedAt: ({ context }) => context.now() }),
    markFailed: assign({ outcome: 'permanentError' as const, finishedAt: ({ context }) => context.now() }),
  },
});

/** Planning's listing of one side: invoke `listSide`, keep the answer, end. */
function sideListing(side: 'sender' | 'receiver', description: string) {
  return replicationSetup.createStateConfig({
    description,
    initial: 'choosing',
    states: {
      choosing: {
        // A retry after the other side failed lists only what is missing: listing again a side
        // that answered would record progress on every retry, and a loop that cannot plan would
        // look alive to the watchdog for ever.
        description: `Keeps the ${side}'s listing from a failed planning attempt of this plan, else lists it.`,
        always: [{ guard: { type: 'hasListing', params: { side } }, target: 'listed' }, { target: 'listing' }],
      },
      listing: {
        description: `Lists the ${side}'s side in one batched call.`,
        invoke: {
          id: side === 'sender' ? 'listSender' : 'listReceiver',
          src: 'listSide',
          input: ({ context }) => ({ side, jobId: context.jobId }),
          onDone: {
            target: 'listed',
            actions: [{ type: 'recordListing', params: ({ event }) => ({ side, listing: event.output }) }, 'madeProgress'],
          },
          onError: planningFailure,
        },
      },
      listed: { description: `The ${side} has answered.`, type: 'final' },
    },
  });
}

// The definition; exported below under its named type.
const replicationMachineDefinition = replicationSetup.createMachine({
  id: 'replication',
  description: 'One replication run from a sender to a receiver.',
  context: ({ input }) => ({
    ...input,
    senderListing: undefined,
    receiverListing: undefined,
    ...emptyWork(),
    planningFailures: 0,
    replans: 0,
    pendingEstimates: 0,
    sleepUntil: undefined,
    problem: undefined,
    outcome: undefined,
    startedAt: input.now(),
    finishedAt: undefined,
    progress: NO_PROGRESS,
  }),
  initial: 'planning',
  on: {
    cancel: {
      target: '.permanentError',
      actions: { type: 'recordCancellation', params: ({ event }) => ({ reason: event.reason }) },
    },
    // A filesystem machine's progress is this run's progress: relay it to the job's watchdog.
    'progress.made': { actions: 'madeProgress' },
  },
  states: {
    planning: {
      description: 'Lists both sides in batched calls and plans every filesystem; each answer is progress.',
      entry: 'startPlanning',
      initial: 'listing',
      states: {
        listing: {
          description: 'Lists both sides at once, each in one batched call; planning starts when both have answered.',
          type: 'parallel',
          states: {
            sender: sideListing('sender', "The sender's filesystems, versions and this job's cursors."),
            receiver: sideListing('receiver', "The receiver's filesystems and versions, in the sender's namespace."),
          },
          onDone: { target: 'estimating', actions: ['planFromListings', 'madeProgress'] },
        },
        estimating: {
          description: 'Asks the sender for size estimates, a bounded number at once; each answer is progress.',
          always: { guard: 'hasNoEstimates', target: '#replication.working' },
          invoke: {
            id: 'estimateSendSizes',
            src: 'estimateSendSizes',
            input: ({ context }) => ({ requests: estimateRequests(context.entries.toArray()), concurrency: context.estimateConcurrency }),
            // Estimates only inform progress bars: without them, replication goes on.
            onDone: { target: '#replication.working', actions: 'madeProgress' },
            onError: { target: '#replication.working' },
          },
          on: {
            'estimate.reported': {
              actions: [{ type: 'recordEstimate', params: ({ event }) => event }, 'madeProgress'],
            },
          },
        },
      },
    },
    planningError: {
      description: 'Listing a side failed in a way that may pass; waits until sleepUntil, or a wakeup. Retrying is no progress.',
      tags: [ERROR_TAG],
      after: { planningRetry: { target: 'planning' } },
      on: { wakeup: { target: 'planning' } },
    },
    working: {
      description: 'Runs filesystem machines from the queue, up to `concurrency` at once.',
      entry: 'fillSlots',
      always: [
        // Deciding is no work: the filesystem result that led here recorded what was done.
        { guard: 'isWorkDone', target: 'completed' },
        { guard: and(['mustReplan', 'canReplan']), target: 'planning', actions: 'startReplan' },
        { guard: 'mustReplan', target: 'completed', actions: 'giveUpReplanning' },
        { guard: 'isOnlyWaiting', target: 'workingWait', actions: 'recordSleepUntil' },
      ],
      on: {
        // Each of these may change the slots or the retries: `.running` chooses the retry timer anew.
        'xstate.done.actor.fs.*': [
          { guard: 'isFilesystemCompleted', target: '.running', actions: ['recordFilesystemResult', 'fillSlots', 'madeProgress'] },
          { target: '.running', actions: ['recordFilesystemResult', 'fillSlots'] },
        ],
        'xstate.error.actor.fs.*': { target: '.running', actions: ['recordFilesystemCrash', 'fillSlots'] },
        // The child recorded its transfer as progress already; the slot only changes hands.
        'filesystem.transferred': {
          target: '.running',
          actions: [{ type: 'releaseSlot', params: ({ event }) => ({ path: event.path }) }, 'fillSlots'],
        },
        // A first replication is on the receiver: the queue may let the filesystem's children start theirs.
        'filesystem.initialReceived': {
          target: '.running',
          actions: [{ type: 'recordInitialReceived', params: ({ event }) => ({ path: event.path }) }, 'fillSlots'],
        },
        wakeup: { target: '.running', actions: ['retryWaitingNow', 'fillSlots'] },
      },
      initial: 'running',
      states: {
        running: {
          description: 'Filesystem machines run; a filesystem waiting for a retry with a slot free for it sets the retry timer.',
          always: { guard: 'hasRetryForFreeSlot', target: 'retryPending' },
        },
        retryPending: {
          description:
            'A slot is free and a filesystem waits for its retry: starts it when it is due, while the others go on. Retrying is no progress.',
          tags: [WAIT_TAG],
          after: { nextRetryDue: { target: 'running', actions: 'fillSlots' } },
        },
      },
    },
    workingWait: {
      description: 'Every remaining filesystem waits for a retry: sleeps until the earliest retry time, or a wakeup. Retrying is no progress.',
      tags: [WAIT_TAG],
      after: { retryDue: { target: 'working' } },
      on: { wakeup: { target: 'working', actions: 'retryWaitingNow' } },
    },
    completed: {
      description: 'Every filesystem ended (completed, skipped or failed on its own).',
      type: 'final',
      entry: 'markCompleted',
    },
    permanentError: {
      description: 'Planning failed for good, or the run was cancelled.',
      type: 'final',
      tags: [ERROR_TAG],
      entry: 'markFailed',
    },
  },
  output: ({ context }) => ({
    state: context.outcome ?? 'permanentError',
    problem: context.problem,
    filesystems: context.entries.toArray(),
    startedAt: context.startedAt,
    finishedAt: context.finishedAt ?? context.now(),
  }),
});

export type { PlannedStep };

type ReplicationMachineType = typeof replicationMachineDefinition;

/**
 * The type of the replication machine, named: declarations that embed it (a parent machine's actors, provided
 * copies) refer to it by this name instead of repeating XState's whole inferred type.
 */
export interface ReplicationMachine extends ReplicationMachineType {}

/**
 * One replication run from a sender to a receiver (zrepl's main replication state machine, 2018,
 * with its defects fixed): planning lists both sides in batched calls and plans each filesystem;
 * working runs a filesystem machine for up to `concurrency` filesystems at once, ordered by the
 * queue; workingWait sleeps exactly until the earliest retry. Per-filesystem state is data in this
 * machine's context; only active filesystems have a child actor.
 */
export const replicationMachine: ReplicationMachine = replicationMachineDefinition;
