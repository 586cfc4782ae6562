import type { LiveMessage } from '../live-view/live-messages.js';
import type { InvocationReport, JobReport } from '../report/job-report.js';
import type { SnapshotterReport } from '../snapshotter/snapshotter-report.js';

/**
 * The control socket's protocol: one JSON object per line each way. A client writes a request
 * line and reads one response line per request, in order; a connection may carry many requests.
 */

/** A job as `status` shows it: the job's report, plus its snapshotter's when it has one. */
export interface DaemonJobReport extends JobReport {
  snapshotter?: SnapshotterReport;
}

/** A request to the daemon. */
export type ControlRequest =
  | { op: 'status'; job?: string }
  | { op: 'wakeup'; job: string; wait?: boolean }
  | { op: 'reset'; job: string }
  /** Streams the live view's messages (a `hello`, then changes) on this connection until it closes. */
  | { op: 'watch' };

/** A response from the daemon. */
export type ControlResponse =
  | { ok: true; jobs: DaemonJobReport[] }
  | { ok: true; invocation?: InvocationReport }
  | { ok: true; live: LiveMessage }
  | { ok: false; error: string };

/** The longest request line the daemon reads; longer input is refused, not buffered. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Parses one request line; throws an Error whose message says what is wrong with it. */
export function parseControlRequest(line: string): ControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`request is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('request: expected a JSON object');
  const record = value as Record<string, unknown>;
  const allowed = new Set(['op', 'job', 'wait']);
  const unknownKey = Object.keys(record).find((key) => !allowed.has(key));
  if (unknownKey !== undefined) throw new Error(`request: unknown key "${unknownKey}"; expected only op, job, wait`);
  const { op, job, wait } = record;
  if (job !== undefined && (typeof job !== 'string' || job === '')) throw new Error('request: "job" must be a non-empty string');
  if (wait !== undefined && typeof wait !== 'boolean') throw new Error('request: "wait" must be true or false');
  switch (op) {
    case 'status':
      if (wait !== undefined) throw new Error('request: "wait" applies only to wakeup');
      return job === undefined ? { op } : { op, job };
    case 'wakeup':
      if (job === undefined) throw new Error('request: wakeup needs "job"');
      return wait === undefined ? { op, job } : { op, job, wait };
    case 'reset':
      if (job === undefined) throw new Error('request: reset needs "job"');
      if (wait !== undefined) throw new Error('request: "wait" applies only to wakeup');
      return { op, job };
    case 'watch':
      if (job !== undefined || wait !== undefined) throw new Error('request: watch takes no "job" or "wait"');
      return { op };
    default:
      throw new Error(`request: unknown op ${JSON.stringify(op)}; expected status, wakeup, reset or watch`);
  }
}
