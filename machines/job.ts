import { assign, enqueueActions, raise, sendTo, setup } from 'xstate';
import { errorMessage } from '../src/domain/errors.js';
import { receivedByFilesystem } from '../src/pruner/received-by-filesystem.js';
import { permanentProblem, type Problem } from '../src/replication/problem.js';
import { ERROR_TAG, madeProgress, NO_PROGRESS, WAIT_TAG, type ProgressRecord } from './progress.js';
import { prunerMachine, type PrunerMachineInput, type PrunerMachineOutput } from './pruner.js';
import { replicationMachine, type ReplicationMachineInput, type ReplicationMachineOutput } from './replication.js';

/** Input of a job: its parts' inputs, its interval and its watchdog. */
export interface JobMachineInput {
  jobId: string;
  /** Time between invocations in ms; undefined for a job that runs only on wakeup. */
  intervalMs: number | undefined;
  watchdogTimeoutMs: number;
  replication: ReplicationMachineInput;
  pruneSender: Omit<PrunerMachineInput, 'side'>;
  pruneReceiver: Omit<PrunerMachineInput, 'side'>;
  now: () => number;
}

/** A part of an invocation that the watchdog cancelled. */
export interface WatchdogCancellation {
  cancelled: 'replication' | 'pruneSender' | 'pruneReceiver';
  at: number;
  message: string;
}

/** One invocation: replication then pruning of both sides. */
export interface Invocation {
  number: number;
  startedAt: number;
  finishedAt?: number | undefined;
  replication?: ReplicationMachineOutput | undefined;
  pruneSender?: PrunerMachineOutput | undefined;
  pruneReceiver?: PrunerMachineOutput | undefined;
  /** A part that crashed instead of ending in one of its final states. */
  crash?: Problem | undefined;
  watchdog: WatchdogCancellation[];
  reset: boolean;
}

/** Events a job takes. */
export type JobEvent =
  | { type: 'wakeup' }
  | { type: 'reset' }
  | { type: 'progress.made' }
  | { type: 'watchdog.arm' }
  | { type: 'watchdog.disarm' }
  | { type: 'watchdog.expired' };

/**
 * What the job emits (XState's `emit`; listen with `actor.on('invocation.finished', …)`): an
 * invocation ended, completed, failed, cancelled or reset, with what it did.
 */
export interface InvocationFinishedEvent {
  type: 'invocation.finished';
  invocation: Invocation;
}

/** The job's context. */
export interface JobContext extends JobMachineInput {
  wakeupPending: boolean;
  invocations: number;
  current: Invocation | undefined;
  last: Invocation | undefined;
  /** When the interval timer fires (interval jobs, while idle). */
  sleepUntil: number | undefined;
  progress: ProgressRecord;
}

type Part = WatchdogCancellation['cancelled'];

function recordPart(context: JobContext, part: Part, output: unknown): Invocation | undefined {
  if (!context.current) return undefined;
  return { ...context.current, [part]: output };
}

// The definition; exported below under its named type.
const jobMachineDefinition = setup({
  types: {
    input: {} as JobMachineInput,
    context: {} as JobContext,
    events: {} as JobEvent,
    emitted: {} as InvocationFinishedEvent,
  },
  actors: {
    replication: replicationMachine,
    pruner: prunerMachine,
  },
  delays: {
    jobInterval: ({ context }) => context.intervalMs ?? 0,
    watchdogTimeout: ({ context }) => context.watchdogTimeoutMs,
  },
  guards: {
    hasWakeupPending: ({ context }) => context.wakeupPending,
    hasInterval: ({ context }) => context.intervalMs !== undefined,
  },
  actions: {
    // The job counts what its parts did; its watchdog region hears their `progress.made` directly.
    madeProgress: madeProgress(),
    armWatchdog: raise({ type: 'watchdog.arm' }),
    disarmWatchdog: raise({ type: 'watchdog.disarm' }),
    expireWatchdog: raise({ type: 'watchdog.expired' }),
    startInvocation: assign(({ context }) => ({
      wakeupPending: false,
      invocations: context.invocations + 1,
      current: { number: context.invocations + 1, startedAt: context.now(), watchdog: [], reset: false },
      sleepUntil: undefined,
    })),
    rememberWakeup: assign({ wakeupPending: true }),
    scheduleInterval: assign({ sleepUntil: ({ context }) => context.now() + (context.intervalMs ?? 0) }),
    recordOutput: assign({
      current: ({ context }, params: { part: Part; output: unknown }) => recordPart(context, params.part, params.output),
    }),
    recordCrash: assign({
      current: ({ context }, params: { part: Part; error: unknown }) =>
        context.current && {
          ...context.current,
          crash: permanentProblem('internal', `${params.part} crashed: ${errorMessage(params.error)}`, context.now()),
        },
    }),
    recordWatchdog: assign({
      current: ({ context }, params: { part: Part }) =>
        context.current && {
          ...context.current,
          watchdog: [
            ...context.current.watchdog,
            {
              cancelled: params.part,
              at: context.now(),
              message: `no progress for ${context.watchdogTimeoutMs} ms`,
            },
          ],
        },
    }),
    recordReset: assign({ current: ({ context }) => context.current && { ...context.current, reset: true } }),
    finishInvocation: enqueueActions(({ context, enqueue }) => {
      if (!context.current) return;
      const last: Invocation = { ...context.current, finishedAt: context.now() };
      enqueue.assign({ last, current: undefined });
      enqueue.emit({ type: 'invocation.finished', invocation: last });
    }),
  },
}).createMachine({
  id: 'job',
  description: 'A replication job: replication, then pruning of both sides, under a watchdog.',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
    wakeupPending: false,
    invocations: 0,
    current: undefined,
    last: undefined,
    sleepUntil: undefined,
    progress: NO_PROGRESS,
  }),
  states: {
    work: {
      description: 'What the job is doing.',
      initial: 'idle',
      states: {
        idle: {
          description: 'Waiting for the interval or a wakeup.',
          entry: 'disarmWatchdog',
          initial: 'choosing',
          on: { wakeup: { target: 'replicating', actions: 'startInvocation' } },
          states: {
            choosing: {
              description: 'A wakeup that came while busy starts the next invocation at once.',
              always: [
                { guard: 'hasWakeupPending', target: '#job.work.replicating', actions: 'startInvocation' },
                { guard: 'hasInterval', target: 'scheduled', actions: 'scheduleInterval' },
                { target: 'manual' },
              ],
            },
            scheduled: {
              description: 'Waiting for the interval to pass.',
              tags: [WAIT_TAG],
              after: { jobInterval: { target: '#job.work.replicating', actions: 'startInvocation' } },
            },
            manual: { description: 'Runs only on wakeup.' },
          },
        },
        replicating: {
          description: 'Replicating from the sender to the receiver.',
          entry: 'armWatchdog',
          invoke: {
            id: 'replication',
            src: 'replication',
            input: ({ context }) => context.replication,
            onDone: {
              target: 'pruningSender',
              actions: [{ type: 'recordOutput', params: ({ event }) => ({ part: 'replication' as const, output: event.output }) }, 'madeProgress'],
            },
            onError: {
              target: 'pruningSender',
              actions: { type: 'recordCrash', params: ({ event }) => ({ part: 'replication' as const, error: event.error }) },
            },
          },
          on: {
            'watchdog.expired': {
              actions: [
                { type: 'recordWatchdog', params: { part: 'replication' } },
                sendTo('replication', ({ context }) => ({
                  type: 'cancel' as const,
                  reason: `watchdog: no progress for ${context.watchdogTimeoutMs} ms`,
                })),
              ],
            },
            wakeup: { actions: ['rememberWakeup', sendTo('replication', { type: 'wakeup' as const })] },
            reset: { target: 'idle', actions: ['recordReset', 'finishInvocation'] },
          },
        },
        pruningSender: {
          description: "Pruning the sender's snapshots.",
          entry: 'armWatchdog',
          invoke: {
            id: 'pruneSender',
            src: 'pruner',
            // What this invocation received stays protected even where the cursor did not follow.
            input: ({ context }) => ({ ...context.pruneSender, side: 'sender' as const, received: receivedByFilesystem(context.current?.replication?.filesystems) }),
            onDone: {
              target: 'pruningReceiver',
              actions: [{ type: 'recordOutput', params: ({ event }) => ({ part: 'pruneSender' as const, output: event.output }) }, 'madeProgress'],
            },
            onError: {
              target: 'pruningReceiver',
              actions: { type: 'recordCrash', params: ({ event }) => ({ part: 'pruneSender' as const, error: event.error }) },
            },
          },
          on: {
            'watchdog.expired': {
              actions: [
                { type: 'recordWatchdog', params: { part: 'pruneSender' } },
                sendTo('pruneSender', ({ context }) => ({
                  type: 'cancel' as const,
                  reason: `watchdog: no progress for ${context.watchdogTimeoutMs} ms`,
                })),
              ],
            },
            wakeup: { actions: 'rememberWakeup' },
            reset: { target: 'idle', actions: ['recordReset', 'finishInvocation'] },
          },
        },
        pruningReceiver: {
          description: "Pruning the receiver's snapshots.",
          entry: 'armWatchdog',
          invoke: {
            id: 'pruneReceiver',
            src: 'pruner',
            input: ({ context }) => ({ ...context.pruneReceiver, side: 'receiver' as const }),
            onDone: {
              target: 'idle',
              actions: [{ type: 'recordOutput', params: ({ event }) => ({ part: 'pruneReceiver' as const, output: event.output }) }, 'finishInvocation', 'madeProgress'],
            },
            onError: {
              target: 'idle',
              actions: [
                { type: 'recordCrash', params: ({ event }) => ({ part: 'pruneReceiver' as const, error: event.error }) },
                'finishInvocation',
              ],
            },
          },
          on: {
            'watchdog.expired': {
              actions: [
                { type: 'recordWatchdog', params: { part: 'pruneReceiver' } },
                sendTo('pruneReceiver', ({ context }) => ({
                  type: 'cancel' as const,
                  reason: `watchdog: no progress for ${context.watchdogTimeoutMs} ms`,
                })),
              ],
            },
            wakeup: { actions: 'rememberWakeup' },
            reset: { target: 'idle', actions: ['recordReset', 'finishInvocation'] },
          },
        },
      },
    },
    watchdog: {
      description: 'Cancels the running part when it makes no progress for a whole watchdogTimeout.',
      initial: 'disarmed',
      states: {
        disarmed: {
          description: 'Nothing runs.',
          on: { 'watchdog.arm': { target: 'armed' } },
        },
        armed: {
          description: 'A part runs; every progress report restarts the timer.',
          after: { watchdogTimeout: { target: 'expired', actions: 'expireWatchdog' } },
          on: {
            'progress.made': { target: 'armed', reenter: true, actions: 'madeProgress' },
            'watchdog.arm': { target: 'armed', reenter: true },
            'watchdog.disarm': { target: 'disarmed' },
          },
        },
        expired: {
          description: 'The timer ran out and the running part was told to cancel.',
          tags: [ERROR_TAG],
          on: {
            'progress.made': { target: 'armed', actions: 'madeProgress' },
            'watchdog.arm': { target: 'armed' },
            'watchdog.disarm': { target: 'disarmed' },
          },
        },
      },
    },
  },
});

type JobMachineType = typeof jobMachineDefinition;

/**
 * The type of the job machine, named: declarations that embed it (a parent machine's actors, provided
 * copies) refer to it by this name instead of repeating XState's whole inferred type.
 */
export interface JobMachine extends JobMachineType {}

/**
 * The active side of a job (zrepl's active job with the 2018 watchdog): wait for the interval or a
 * wakeup, replicate, prune the sender, prune the receiver, and wait again. A parallel watchdog
 * region cancels the running part when it makes no progress for a whole `watchdogTimeout`; the job
 * then goes on, so a stuck replication never keeps the sender's pruner from running.
 */
export const jobMachine: JobMachine = jobMachineDefinition;
