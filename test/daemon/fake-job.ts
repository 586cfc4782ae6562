import { BehaviorSubject } from 'rxjs';
import type { AnyActorRef } from 'xstate';
import type { JobReport } from '../../src/report/job-report.js';
import type { ReplicationJob } from '../../src/runner/replication-job.js';

/** A ReplicationJob stand-in whose invocations end when the test says so. */
export class FakeJob implements ReplicationJob {
  readonly report$: BehaviorSubject<JobReport>;
  readonly calls: string[] = [];
  started = false;

  constructor(readonly name: string) {
    this.report$ = new BehaviorSubject<JobReport>({ job: name, state: 'idle', watchdog: 'disarmed', wakeupPending: false });
  }

  get actor(): AnyActorRef {
    throw new Error('FakeJob has no actor');
  }

  start(): void {
    this.calls.push('start');
    this.started = true;
  }
  stop(): void {
    this.calls.push('stop');
    this.publish({ ...this.report(), state: 'stopped' });
  }
  wakeup(): void {
    this.calls.push('wakeup');
    const now = this.report();
    if (now.current) this.publish({ ...now, wakeupPending: true });
    else this.begin(now);
  }
  reset(): void {
    this.calls.push('reset');
    this.finish(false, true);
  }
  async runOnce(): Promise<JobReport> {
    throw new Error('FakeJob.runOnce is not used by the daemon');
  }
  async nextInvocation(): Promise<JobReport> {
    throw new Error('FakeJob.nextInvocation is not used by the daemon');
  }
  report(): JobReport {
    return this.report$.getValue();
  }

  /** Ends the current invocation; a pending wakeup starts the next one. */
  finish(ok: boolean, reset = false): void {
    const now = this.report();
    if (!now.current) return;
    const last = { ...now.current, finishedAt: new Date(0).toISOString(), ok, ...(reset ? { reset: true } : {}) };
    const { current: _done, ...rest } = now;
    const idle: JobReport = { ...rest, state: 'idle', last, wakeupPending: false };
    this.publish(idle);
    if (now.wakeupPending) this.begin(idle);
  }

  private begin(from: JobReport): void {
    const number = (from.last?.number ?? 0) + 1;
    this.publish({ ...from, state: 'replicating', current: { number, startedAt: new Date(0).toISOString(), ok: false } });
  }

  private publish(report: JobReport): void {
    this.report$.next(report);
  }
}
