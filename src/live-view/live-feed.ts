import { Subject, type Observable, type Subscription } from 'rxjs';
import type { AnyActorRef } from 'xstate';
import type { JobReport } from '../report/job-report.js';
import type { ReplicationJob } from '../runner/replication-job.js';
import { observeActorStates, type ActorState } from './actor-states.js';
import type { LiveHello, LiveMessage } from './live-messages.js';

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
 * `snapshotter`) through {@link observeActorStates}, and each job's `report$`. It keeps only the
 * current state, so a long-running feed holds as much as the jobs have actors.
 */
export function createLiveFeed(jobs: readonly LiveJob[]): LiveFeed {
  const changes = new Subject<LiveMessage>();
  const subscriptions: Subscription[] = [];
  const entries = jobs.map(({ job, snapshotter }) => {
    const entry = { name: job.name, actors: new Map<string, ActorState>(), report: job.report() };
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
        }),
      );
    };
    follow(job.actor, 'job');
    if (snapshotter) follow(snapshotter, 'snapshotter');
    subscriptions.push(
      job.report$.subscribe((report: JobReport) => {
        entry.report = report;
        changes.next({ type: 'report', job: entry.name, report });
      }),
    );
    return entry;
  });
  let closed = false;
  return {
    current: () => ({ type: 'hello', jobs: entries.map((e) => ({ job: e.name, actors: [...e.actors.values()], report: e.report })) }),
    changes$: changes.asObservable(),
    close() {
      if (closed) return;
      closed = true;
      for (const s of subscriptions) s.unsubscribe();
      changes.complete();
    },
  };
}
