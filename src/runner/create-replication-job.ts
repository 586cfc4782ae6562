import { asapScheduler, defer, distinctUntilChanged, map, merge, Observable, shareReplay, startWith, Subject, throttleTime } from 'rxjs';
import { createActor, waitFor, type InspectionEvent } from 'xstate';
import { filesystemMachine } from '../../machines/filesystem.js';
import { jobMachine, type JobContext } from '../../machines/job.js';
import { prunerMachine } from '../../machines/pruner.js';
import { replicationMachine } from '../../machines/replication.js';
import { destroySnapshotsActor } from '../actors/destroy-snapshots.js';
import { estimateSendSizesActor } from '../actors/estimate-send-sizes.js';
import { listPruneStateActor } from '../actors/list-prune-state.js';
import { listSideActor } from '../actors/list-side.js';
import { setCursorActor } from '../actors/set-cursor.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, transferActor } from '../actors/transfer.js';
import { assertJobId } from '../endpoint/cursor.js';
import { keepRulesFromConfig } from '../pruning/keep-rules-from-config.js';
import { MAX_TIMER_MS, resolveRetryPolicy } from '../replication/retry-policy.js';
import { buildJobReport } from '../report/build-job-report.js';
import type { JobReport } from '../report/job-report.js';
import type { EndpointPair } from '../actors/endpoint-pair.js';
import { DEFAULT_WATCHDOG_TIMEOUT_MS, type ReplicationJobOptions } from './job-options.js';
import type { ReplicationJob } from './replication-job.js';

export { DEFAULT_WATCHDOG_TIMEOUT_MS };

type JobSnapshot = Parameters<typeof buildJobReport>[0];

/** The engine's machines with their actors provided: the same machine types, ready for `createActor`. */
export interface EngineMachines {
  filesystem: typeof filesystemMachine;
  replication: typeof replicationMachine;
  pruner: typeof prunerMachine;
  job: typeof jobMachine;
}

/** Every engine machine with the endpoints injected as its actors. */
export function provideEngineMachines(endpoints: EndpointPair, now: () => number, progressIntervalMs = DEFAULT_PROGRESS_INTERVAL_MS): EngineMachines {
  const filesystem = filesystemMachine.provide({
    actors: {
      transfer: transferActor(endpoints, now, progressIntervalMs),
      setCursor: setCursorActor(endpoints.sender),
    },
  });
  const replication = replicationMachine.provide({
    actors: {
      listSide: listSideActor(endpoints),
      estimateSendSizes: estimateSendSizesActor(endpoints.sender),
      filesystem,
    },
  });
  const pruner = prunerMachine.provide({
    actors: { listPruneState: listPruneStateActor(endpoints), destroySnapshots: destroySnapshotsActor(endpoints, now) },
  });
  const job = jobMachine.provide({ actors: { replication, pruner } });
  return { filesystem, replication, pruner, job };
}

/**
 * Creates a replication job: replication from `sender` to `receiver`, then pruning of both sides,
 * under a watchdog. Validates the options (job name, keep rules, numbers) and throws a ConfigError or
 * RangeError naming the bad one; nothing starts until `start()`, `wakeup()` or `runOnce()`.
 */
export function createReplicationJob(options: ReplicationJobOptions): ReplicationJob {
  assertJobId(options.name);
  const keepSender = keepRulesFromConfig(options.keepSender ?? [], 'keep_sender');
  const keepReceiver = keepRulesFromConfig(options.keepReceiver ?? [], 'keep_receiver');
  const retry = resolveRetryPolicy(options.retry);
  const positive = (value: number | undefined, fallback: number, what: string, integer: boolean): number => {
    const v = value ?? fallback;
    if (!(v > 0) || (integer && !Number.isInteger(v))) throw new RangeError(`${what} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
    return v;
  };
  // A timer given more than 2^31-1 ms fires at once: a 30-day watchdog would cancel after 1 ms.
  const timer = (value: number | undefined, fallback: number, what: string): number => {
    const v = positive(value, fallback, what, false);
    if (v > MAX_TIMER_MS) throw new RangeError(`${what} must be at most ${MAX_TIMER_MS} ms (about 24.8 days, what a timer holds), got ${v}`);
    return v;
  };
  const concurrency = positive(options.concurrency, 1, 'concurrency', true);
  const estimateConcurrency = positive(options.estimateConcurrency, 4, 'estimateConcurrency', true);
  const watchdogTimeoutMs = timer(options.watchdogTimeoutMs, DEFAULT_WATCHDOG_TIMEOUT_MS, 'watchdogTimeoutMs');
  if (options.intervalMs !== undefined) timer(options.intervalMs, 0, 'intervalMs');
  if (options.progressIntervalMs !== undefined) timer(options.progressIntervalMs, 0, 'progressIntervalMs');
  const clock = options.clock;
  const now = clock ? () => clock.now() : () => Date.now();

  const machine = provideEngineMachines({ sender: options.sender, receiver: options.receiver }, now, options.progressIntervalMs).job;
  // Any actor's new snapshot may change the report: the job's own snapshot does not change when a
  // filesystem machine enters retryWait, so report$ listens to the whole system's inspection.
  const changes = new Subject<void>();
  // Reports that must not wait for the throttle: an invocation's end, before runOnce resolves.
  const flushes = new Subject<void>();
  const userInspect = options.inspect;
  const inspect = (event: InspectionEvent): void => {
    if (event.type === '@xstate.snapshot') changes.next();
    if (typeof userInspect === 'function') userInspect(event);
    else userInspect?.next?.(event);
  };
  const actor = createActor(machine, {
    input: {
      jobId: options.name,
      intervalMs: options.intervalMs,
      watchdogTimeoutMs,
      now,
      replication: {
        jobId: options.name,
        concurrency,
        estimateConcurrency,
        initialReplication: options.initialReplication ?? 'most_recent',
        retry,
        now,
      },
      pruneSender: { jobId: options.name, rules: keepSender, retry, now },
      pruneReceiver: { jobId: options.name, rules: keepReceiver, retry, now },
    },
    inspect,
    ...(clock ? { clock } : {}),
  });

  // A change of the job's own state (a part starts or ends) is reported at once, not throttled:
  // the parts' outcomes move from `current` to `last` within one window otherwise. The last
  // change of a stopped job still reaches report$, then report$ completes.
  let jobState = '';
  actor.subscribe({
    next: (snapshot) => {
      const state = JSON.stringify(snapshot.value);
      if (state === jobState) return;
      jobState = state;
      flushes.next();
    },
    complete: () => {
      flushes.next();
      changes.complete();
      flushes.complete();
    },
    error: () => {
      changes.complete();
      flushes.complete();
    },
  });

  let started = false;
  const start = () => {
    if (!started) {
      started = true;
      actor.start();
    }
  };
  const context = (): JobContext => actor.getSnapshot().context;
  const report = (): JobReport => buildJobReport(actor.getSnapshot() as unknown as JobSnapshot);

  // Resolves once invocation `number` (or a later one) has finished; rejects when the job stops first.
  const waitForInvocation = (number: number): Promise<JobReport> =>
    waitFor(actor, (snapshot) => (snapshot.context.last?.number ?? 0) >= number).then(
      () => {
        flushes.next();
        return report();
      },
      (cause: unknown) => {
        throw new Error(`job "${options.name}" stopped before invocation ${number} finished`, { cause });
      },
    );

  /** The number of the invocation that a wakeup sent now will start. */
  const invocationForWakeup = (): number => {
    const c = context();
    return c.current ? c.current.number + 1 : c.invocations + 1;
  };

  // A report is built from every machine's snapshot, so building one per event would cost more
  // than the replication it describes: the changes of one burst (a macrostep and the actors it
  // wakes, up to the next microtask) make one report, built from the latest snapshots, and only a
  // report that differs is emitted. Any state that outlasts its burst is seen, a retry wait
  // included; a late subscriber gets the latest report at once.
  const report$: Observable<JobReport> = defer(() =>
    merge(changes.pipe(startWith(undefined), throttleTime(0, asapScheduler, { leading: false, trailing: true })), flushes),
  ).pipe(
    map(() => report()),
    distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  return {
    name: options.name,
    actor,
    start,
    stop: () => {
      actor.stop();
    },
    wakeup: () => {
      start();
      actor.send({ type: 'wakeup' });
    },
    reset: () => {
      actor.send({ type: 'reset' });
    },
    runOnce: () => {
      start();
      const done = waitForInvocation(invocationForWakeup());
      actor.send({ type: 'wakeup' });
      return done;
    },
    nextInvocation: () => {
      const c = context();
      return waitForInvocation(c.current ? c.current.number : c.invocations + 1);
    },
    report,
    report$,
  };
}
