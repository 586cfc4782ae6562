import type { BlockedOnReport, FilesystemReport, JobReport, ProblemReport } from '../report/job-report.js';

/** One filesystem's transfer as a progress view shows it. */
export interface FilesystemProgress {
  job: string;
  filesystem: string;
  state: string;
  bytes: number;
  /** The sender's estimate, when it gave one. */
  expectedBytes?: number | undefined;
  /** Bytes per second over the recent reports; undefined until two reports of the transfer were seen. */
  rate?: number | undefined;
  /** Seconds left at the current rate, when both rate and estimate are known. */
  etaSeconds?: number | undefined;
  problem?: ProblemReport | undefined;
  blockedOn?: BlockedOnReport | undefined;
}

/** Something worth a line in a plain (non-terminal) log. */
export type ProgressEvent =
  | { type: 'job-state'; job: string; from: string | undefined; to: string }
  | { type: 'filesystem-state'; progress: FilesystemProgress; from: string | undefined }
  | { type: 'watchdog'; job: string; cancelled: string; message: string };

interface Sample {
  bytes: number;
  at: number;
  rate?: number | undefined;
}

/**
 * Follows a job's reports and derives what progress views need: per filesystem bytes, rate and
 * ETA, and the state changes worth logging. Pure apart from the injected clock.
 */
export class ProgressTracker {
  private jobState: string | undefined;
  private invocation: number | undefined;
  private readonly states = new Map<string, string>();
  private readonly samples = new Map<string, Sample>();
  private watchdogSeen = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The current progress of every filesystem of the running (or just finished) invocation, and what changed. */
  update(report: JobReport): { filesystems: FilesystemProgress[]; events: ProgressEvent[] } {
    const events: ProgressEvent[] = [];
    const at = this.now();
    if (report.state !== this.jobState) {
      events.push({ type: 'job-state', job: report.job, from: this.jobState, to: report.state });
      this.jobState = report.state;
    }
    const invocation = report.current ?? report.last;
    if (invocation === undefined) return { filesystems: [], events };
    if (invocation.number !== this.invocation) {
      this.invocation = invocation.number;
      this.states.clear();
      this.samples.clear();
      this.watchdogSeen = 0;
    }
    const watchdog = invocation.watchdog ?? [];
    for (const w of watchdog.slice(this.watchdogSeen)) events.push({ type: 'watchdog', job: report.job, cancelled: w.cancelled, message: w.message });
    this.watchdogSeen = watchdog.length;
    const filesystems = (invocation.replication?.filesystems ?? []).map((fs) => this.progressOf(report.job, fs, at));
    for (const progress of filesystems) {
      const from = this.states.get(progress.filesystem);
      if (from !== progress.state) {
        events.push({ type: 'filesystem-state', progress, from });
        this.states.set(progress.filesystem, progress.state);
      }
    }
    return { filesystems, events };
  }

  private progressOf(job: string, fs: FilesystemReport, at: number): FilesystemProgress {
    const previous = this.samples.get(fs.filesystem);
    let rate = previous?.rate;
    if (previous !== undefined && at > previous.at && fs.bytes >= previous.bytes) {
      const instant = ((fs.bytes - previous.bytes) * 1000) / (at - previous.at);
      // Smooth so the display does not jump with every report.
      rate = rate === undefined ? instant : 0.7 * rate + 0.3 * instant;
    }
    if (previous === undefined || fs.bytes !== previous.bytes || at - previous.at > 1000) {
      this.samples.set(fs.filesystem, { bytes: fs.bytes, at, rate });
    }
    const remaining = fs.expectedBytes === undefined ? undefined : Math.max(0, fs.expectedBytes - fs.bytes);
    return {
      job,
      filesystem: fs.filesystem,
      state: fs.state,
      bytes: fs.bytes,
      expectedBytes: fs.expectedBytes,
      rate,
      etaSeconds: remaining !== undefined && rate !== undefined && rate > 0 ? remaining / rate : undefined,
      problem: fs.problem,
      blockedOn: fs.blockedOn,
    };
  }
}

/** One tracker per job, made on first use: what every progress view keeps. */
export function trackersByJob(now?: () => number): (job: string) => ProgressTracker {
  const trackers = new Map<string, ProgressTracker>();
  return (job) => {
    let tracker = trackers.get(job);
    if (tracker === undefined) {
      tracker = new ProgressTracker(now);
      trackers.set(job, tracker);
    }
    return tracker;
  };
}
