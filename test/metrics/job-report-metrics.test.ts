import { describe, expect, it } from 'vitest';
import { JobReportMetrics } from '../../src/metrics/job-report-metrics.js';
import { createXreplMetrics } from '../../src/metrics/xrepl-metrics.js';
import type { FilesystemReport, FilesystemState, InvocationReport, JobReport, JobState, ReplicationState } from '../../src/report/job-report.js';

const fs = (filesystem: string, bytes: number, state: FilesystemState = 'active'): FilesystemReport => ({
  filesystem,
  state,
  attempts: 1,
  completedSteps: [],
  pendingSteps: [],
  bytes,
});

const invocation = (number: number, state: ReplicationState, filesystems: FilesystemReport[], finishedAt?: string): InvocationReport => ({
  number,
  startedAt: '2026-01-01T00:00:00.000Z',
  ...(finishedAt ? { finishedAt } : {}),
  replication: { state, filesystems, ...(finishedAt ? { finishedAt } : {}) },
  ok: state === 'completed',
});

const report = (state: JobState, parts: { current?: InvocationReport; last?: InvocationReport }): JobReport => ({
  job: 'backup',
  state,
  watchdog: 'armed',
  wakeupPending: false,
  ...parts,
});

async function value(metrics: ReturnType<typeof createXreplMetrics>, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // Histograms list their _sum and _count series under the metric's base name, with metricName set.
  const values = (await metrics.registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ ...v, series: ('metricName' in v && typeof v.metricName === 'string' ? v.metricName : undefined) ?? m.name })),
  );
  return values.find((v) => v.series === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('JobReportMetrics', () => {
  it('counts replicated bytes once, as differences between reports, per invocation', async () => {
    const metrics = createXreplMetrics();
    const observer = new JobReportMetrics(metrics, () => 0);
    observer.observe(report('replicating', { current: invocation(1, 'working', [fs('tank/a', 100)]) }));
    observer.observe(report('replicating', { current: invocation(1, 'working', [fs('tank/a', 250)]) }));
    observer.observe(report('replicating', { current: invocation(1, 'working', [fs('tank/a', 250)]) }));
    observer.observe(report('replicating', { current: invocation(2, 'working', [fs('tank/a', 40)]) }));
    expect(await value(metrics, 'xrepl_replication_bytes_replicated', { job: 'backup', filesystem: 'tank/a' })).toBe(290);
  });

  it('sets last_successful and filesystem_errors when an invocation finishes', async () => {
    const metrics = createXreplMetrics();
    const observer = new JobReportMetrics(metrics, () => 0);
    observer.observe(report('idle', { last: invocation(1, 'completed', [fs('tank/a', 1, 'completed')], '2026-01-01T00:01:40.000Z') }));
    expect(await value(metrics, 'xrepl_replication_last_successful', { job: 'backup' })).toBe(Date.parse('2026-01-01T00:01:40.000Z') / 1000);
    expect(await value(metrics, 'xrepl_replication_filesystem_errors', { job: 'backup' })).toBe(0);
    observer.observe(report('idle', { last: invocation(2, 'permanentError', [fs('tank/a', 1, 'permanentError'), fs('tank/b', 0, 'completed')], '2026-01-01T00:05:00.000Z') }));
    expect(await value(metrics, 'xrepl_replication_filesystem_errors', { job: 'backup' })).toBe(1);
    expect(await value(metrics, 'xrepl_replication_last_successful', { job: 'backup' })).toBe(Date.parse('2026-01-01T00:01:40.000Z') / 1000);
  });

  it('observes the time spent in each pruning state and replication state', async () => {
    let now = 0;
    const metrics = createXreplMetrics();
    const observer = new JobReportMetrics(metrics, () => now);
    observer.observe(report('replicating', { current: invocation(1, 'planning', []) }));
    now = 3000;
    observer.observe(report('pruningSender', { current: invocation(1, 'completed', []) }));
    now = 5000;
    observer.observe(report('pruningReceiver', { current: invocation(1, 'completed', []) }));
    now = 5500;
    observer.observe(report('idle', {}));
    expect(await value(metrics, 'xrepl_pruning_time_sum', { job: 'backup', prune_side: 'sender' })).toBe(2);
    expect(await value(metrics, 'xrepl_pruning_time_sum', { job: 'backup', prune_side: 'receiver' })).toBe(0.5);
    expect(await value(metrics, 'xrepl_replication_state_time_sum', { job: 'backup', state: 'planning' })).toBe(3);
  });
});
