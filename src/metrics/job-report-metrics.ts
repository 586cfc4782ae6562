import type { JobReport } from '../report/job-report.js';
import type { XreplMetrics } from './xrepl-metrics.js';

const pruneSides = { pruningSender: 'sender', pruningReceiver: 'receiver' } as const;

/**
 * Turns a job's stream of reports into metric updates. Reports carry totals, so it remembers what
 * it has counted (bytes per invocation and filesystem, the current states and since when) and
 * records only the differences. One instance per job; `now` is injectable for tests.
 */
export class JobReportMetrics {
  private countedBytes = new Map<string, number>();
  private invocation: number | undefined;
  private replicationState: { state: string; since: number } | undefined;
  private jobState: { state: string; since: number } | undefined;
  private lastFinished: number | undefined;

  constructor(
    private readonly metrics: XreplMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records what changed since the previous report. */
  observe(report: JobReport): void {
    const job = report.job;
    const now = this.now();
    this.observeJobState(job, report.state, now);
    const current = report.current;
    if (current !== undefined && current.number !== this.invocation) {
      this.invocation = current.number;
      this.countedBytes = new Map();
      this.replicationState = undefined;
    }
    const invocation = current ?? (report.last?.number === this.invocation ? report.last : undefined);
    const replication = invocation?.replication;
    if (replication !== undefined) {
      for (const fs of replication.filesystems) {
        const counted = this.countedBytes.get(fs.filesystem) ?? 0;
        if (fs.bytes > counted) {
          this.metrics.bytesReplicated.inc({ job, filesystem: fs.filesystem }, fs.bytes - counted);
          this.countedBytes.set(fs.filesystem, fs.bytes);
        }
      }
      if (this.replicationState?.state !== replication.state) {
        if (this.replicationState !== undefined) {
          this.metrics.stateTime.observe({ job, state: this.replicationState.state }, (now - this.replicationState.since) / 1000);
        }
        this.replicationState = { state: replication.state, since: now };
      }
    }
    const last = report.last;
    if (last !== undefined && last.number !== this.lastFinished) {
      this.lastFinished = last.number;
      const failed = last.replication?.filesystems.filter((fs) => fs.state === 'permanentError' || fs.problem !== undefined).length ?? 0;
      this.metrics.filesystemErrors.set({ job }, failed);
      if (!last.ok) this.metrics.invocationsFailed.inc({ job });
      for (const pruner of [last.pruneSender, last.pruneReceiver]) {
        if (pruner === undefined) continue;
        const labels = { job, prune_side: pruner.side };
        const destroyed = pruner.filesystems.reduce((sum, fs) => sum + fs.destroyed.length, 0);
        if (destroyed > 0) this.metrics.pruningDestroyed.inc(labels, destroyed);
        const errors = (pruner.problem !== undefined ? 1 : 0) + pruner.filesystems.filter((fs) => fs.problem !== undefined).length;
        if (errors > 0) this.metrics.pruningErrors.inc(labels, errors);
      }
      if (last.replication?.state === 'completed' && failed === 0) {
        const finished = Date.parse(last.replication.finishedAt ?? last.finishedAt ?? '') || now;
        this.metrics.lastSuccessful.set({ job }, Math.floor(finished / 1000));
      }
    }
  }

  private observeJobState(job: string, state: string, now: number): void {
    if (this.jobState?.state === state) return;
    const previous = this.jobState;
    if (previous !== undefined && Object.hasOwn(pruneSides, previous.state)) {
      const side = pruneSides[previous.state as keyof typeof pruneSides];
      this.metrics.pruningTime.observe({ job, prune_side: side }, (now - previous.since) / 1000);
    }
    this.jobState = { state, since: now };
  }
}
