import { describe, expect, it } from 'vitest';
import { JobReportMetrics } from '../../src/metrics/job-report-metrics.js';
import { createXreplMetrics } from '../../src/metrics/xrepl-metrics.js';
import { enableMetrics } from '../../src/metrics/enable-metrics.js';
import type { InvocationReport, JobReport, PrunerReport } from '../../src/report/job-report.js';

const pruner = (side: 'sender' | 'receiver', destroyed: string[][], problems = 0): PrunerReport => ({
  side,
  state: 'done',
  filesystems: destroyed.map((names, i) => ({
    filesystem: `tank/${i}`,
    destroy: names,
    destroyed: names,
    protected: [],
    ...(i < problems ? { problem: { message: 'dataset is busy', class: 'transient', at: '' } } : {}),
  })),
}) as PrunerReport;

const finished = (number: number, ok: boolean, parts: Partial<InvocationReport> = {}): JobReport => ({
  job: 'backup',
  state: 'idle',
  watchdog: 'armed',
  wakeupPending: false,
  last: { number, startedAt: '', finishedAt: '2026-01-01T00:00:00.000Z', ok, ...parts },
});

const counter = async (metrics: ReturnType<typeof createXreplMetrics>, name: string, labels: Record<string, string>) =>
  (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;

describe('job outcome metrics', () => {
  it('counts each failed invocation once, however often its report repeats', async () => {
    const metrics = createXreplMetrics();
    const observer = new JobReportMetrics(metrics, () => 0);
    observer.observe(finished(1, false));
    observer.observe(finished(1, false));
    observer.observe(finished(2, true));
    observer.observe(finished(3, false));
    expect(await counter(metrics, 'xrepl_job_invocations_failed_total', { job: 'backup' })).toBe(2);
  });

  it('counts destroyed snapshots and pruning errors per side', async () => {
    const metrics = createXreplMetrics();
    const observer = new JobReportMetrics(metrics, () => 0);
    observer.observe(finished(1, false, { pruneSender: pruner('sender', [['a', 'b'], ['c']], 1), pruneReceiver: pruner('receiver', [['d']]) }));
    observer.observe(finished(1, false, { pruneSender: pruner('sender', [['a', 'b'], ['c']], 1) }));
    expect(await counter(metrics, 'xrepl_pruning_destroyed_snapshots_total', { job: 'backup', prune_side: 'sender' })).toBe(3);
    expect(await counter(metrics, 'xrepl_pruning_destroyed_snapshots_total', { job: 'backup', prune_side: 'receiver' })).toBe(1);
    expect(await counter(metrics, 'xrepl_pruning_errors_total', { job: 'backup', prune_side: 'sender' })).toBe(1);
  });

  it('serves build_info with the version it was given', async () => {
    const enabled = await enableMetrics(undefined, { version: '9.8.7' });
    try {
      expect(await enabled.metrics.registry.getSingleMetricAsString('xrepl_build_info')).toContain(`xrepl_build_info{version="9.8.7",node_version="${process.versions.node}"} 1`);
    } finally {
      await enabled.close();
    }
  });
});
