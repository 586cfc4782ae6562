import { Subject, type Observable, type Subscription } from 'rxjs';
import type { AnyActorRef } from 'xstate';
import type { ReplicationJob } from '../runner/replication-job.js';
import { observeActorStates, type ActorState } from './actor-states.js';
import { REPORT_DELAY_MS, type LiveHello, type LiveMessage } from './live-messages.js';
import { liveReport, type LiveReport } from './live-report.js';

/** A job to show: the replication job, and its snapshotter's actor when it has one. */
export interface LiveJob {
  job: ReplicationJob;
  snapshotter?: AnyActorRef;
}

/** The state of some jobs now, and their changes from now on. */
export interface LiveFeed {
  /** Every job's live actors and latest report. */
  current(): LiveHello;
  /** Changes (never a `hello`); hot: a subscriber sees what happens after it subscribed. */
  readonly changes$: Observable<LiveMessage>;
  /** Stops following the jobs; `changes$` completes. Idempotent. */
  close(): void;
}

/**
 * Follows jobs for a live view: each job's actor tree (as `job/...`) and snapshotter (as
 * `snapshotter`) through {@link observeActorStates}, and each job's report, cut down to what the
 * page shows. A report is built {@link REPORT_DELAY_MS} after a change of state and as often while
 * the job works (bytes move without a change of state), never per event: building and sending
 * the whole report per burst made a 1000-filesystem run 98 times slower. It keeps only the
 * current state, so a long-running feed holds as much as the jobs have actors.
 */
export function createLiveFeed(jobs: readonly LiveJob[]): LiveFeed {
  const changes = new Subject<LiveMessage>();
  const subscriptions: Subscription[] = [];
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const intervals: NodeJS.Timeout[] = [];
  const entries = jobs.map(({ job, snapshotter }) => {
    const entry = { job, name: job.name, actors: new Map<string, ActorState>(), report: liveReport(job.report()), pending: false };
    let reported = JSON.stringify(entry.report);
    const buildReport = (): void => {
      entry.pending = false;
      const report: LiveReport = liveReport(job.report());
      const text = JSON.stringify(report);
      if (text === reported) return;
      reported = text;
      entry.report = report;
      changes.next({ type: 'report', job: entry.name, report });
    };
    const requestReport = (): void => {
      if (entry.pending || closed) return;
      entry.pending = true;
      const timer = setTimeout(() => {
        timers.delete(timer);
        buildReport();
      }, REPORT_DELAY_MS);
      timer.unref();
      timers.add(timer);
    };
    const follow = (root: AnyActorRef, rootPath: string): void => {
      let previous = new Map<string, ActorState>();
      subscriptions.push(
        observeActorStates(root, rootPath).subscribe((states) => {
          const now = new Map(states.map((s) => [s.path, s]));
          const set = states.filter((s) => JSON.stringify(previous.get(s.path)?.value) !== JSON.stringify(s.value));
          const removed = [...previous.keys()].filter((path) => !now.has(path));
          previous = now;
          for (const path of removed) entry.actors.delete(path);
          for (const s of set) entry.actors.set(s.path, s);
          if (set.length > 0 || removed.length > 0) changes.next({ type: 'states', job: entry.name, set, removed });
          requestReport();
        }),
      );
    };
    follow(job.actor, 'job');
    if (snapshotter) follow(snapshotter, 'snapshotter');
    // While the job works (it has actors below its own), bytes move: report them as often.
    const progress = setInterval(() => {
      if ([...entry.actors.keys()].some((path) => path.startsWith('job/'))) requestReport();
    }, REPORT_DELAY_MS);
    progress.unref();
    intervals.push(progress);
    return entry;
  });
  return {
    // A late page gets the report as it is now, not the last one sent.
    current: () => ({ type: 'hello', jobs: entries.map((e) => ({ job: e.name, actors: [...e.actors.values()], report: liveReport(e.job.report()) })) }),
    changes$: changes.asObservable(),
    close() {
      if (closed) return;
      closed = true;
      for (const s of subscriptions) s.unsubscribe();
      for (const t of timers) clearTimeout(t);
      for (const i of intervals) clearInterval(i);
      changes.complete();
    },
  };
}
