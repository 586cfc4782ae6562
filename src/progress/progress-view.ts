import type { JobReport } from '../report/job-report.js';

/** Shows jobs' progress while they run: bars on a terminal, log lines elsewhere. */
export interface ProgressView {
  /** Shows the job's latest report. */
  update(report: JobReport): void;
  /** Removes live output (bars) so the final report can be printed below. */
  stop(): void;
}
