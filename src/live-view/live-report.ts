import type { JobReport } from '../report/job-report.js';

/** One filesystem as the live view shows it. */
export interface LiveFilesystem {
  filesystem: string;
  state: string;
  bytes: number;
  expectedBytes?: number;
  problem?: string;
}

/**
 * The part of a job's report the page shows: the job's state and, per filesystem of the current
 * (else the last) invocation, state, bytes and problem. The whole report carries every step of
 * every filesystem (880 KB for 1000 filesystems), too much to stream on each change.
 */
export interface LiveReport {
  job: string;
  state: string;
  watchdog: string;
  sleepUntil?: string;
  problem?: string;
  invocation?: { number: number; running: boolean; ok: boolean };
  filesystems: LiveFilesystem[];
}

/** Cuts a job's report down to a {@link LiveReport}. */
export function liveReport(report: JobReport): LiveReport {
  const invocation = report.current ?? report.last;
  return {
    job: report.job,
    state: report.state,
    watchdog: report.watchdog,
    ...(report.sleepUntil !== undefined ? { sleepUntil: report.sleepUntil } : {}),
    ...(report.problem ? { problem: report.problem.message } : {}),
    ...(invocation ? { invocation: { number: invocation.number, running: report.current !== undefined, ok: invocation.ok } } : {}),
    filesystems: (invocation?.replication?.filesystems ?? []).map((fs) => ({
      filesystem: fs.filesystem,
      state: fs.state,
      bytes: fs.bytes,
      ...(fs.expectedBytes !== undefined ? { expectedBytes: fs.expectedBytes } : {}),
      ...(fs.problem ? { problem: fs.problem.message } : {}),
    })),
  };
}
