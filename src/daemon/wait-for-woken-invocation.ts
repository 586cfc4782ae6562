import type { InvocationReport } from '../report/job-report.js';
import type { ReplicationJob } from '../runner/replication-job.js';

/**
 * Wakes a job and resolves with the report of the invocation that the wakeup started: the next
 * one when the job is idle, the one after the current one when it is busy (the job keeps the
 * wakeup and runs it next). Rejects when the signal fires first.
 */
export function wakeupAndWait(job: ReplicationJob, signal?: AbortSignal): Promise<InvocationReport> {
  const before = job.report();
  const target = (before.current?.number ?? before.last?.number ?? 0) + 1;
  return new Promise<InvocationReport>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error(`wakeup of job "${job.name}": aborted before it started`));
      return;
    }
    const onAbort = () => {
      subscription.unsubscribe();
      reject(new Error(`wakeup of job "${job.name}": stopped before the woken invocation ended`));
    };
    const subscription = job.report$.subscribe((report) => {
      if (report.last === undefined || report.last.number < target) return;
      signal?.removeEventListener('abort', onAbort);
      queueMicrotask(() => subscription.unsubscribe());
      resolve(report.last);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    job.wakeup();
  });
}
