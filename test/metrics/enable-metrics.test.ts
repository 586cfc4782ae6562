import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type EnabledMetrics, enableMetrics } from '../../src/metrics/enable-metrics.js';
import { observeZfsCommand } from '../../src/metrics/zfs-command-hook.js';
import type { JobReport } from '../../src/report/job-report.js';

let enabled: EnabledMetrics | undefined;
afterEach(async () => {
  await enabled?.close();
  enabled = undefined;
});

describe('enableMetrics', () => {
  it('serves /metrics with xrepl_ names, fed by the zfs hook and followed jobs, and 404 elsewhere', async () => {
    enabled = await enableMetrics({ host: '127.0.0.1', port: 0 });
    const url = enabled.server?.url ?? '';
    observeZfsCommand('send', 0.25);
    const reports = new Subject<JobReport>();
    enabled.follow({ report$: reports });
    reports.next({
      job: 'j',
      state: 'replicating',
      watchdog: 'armed',
      wakeupPending: false,
      current: { number: 1, startedAt: '', ok: false, replication: { state: 'working', filesystems: [{ filesystem: 'tank/a', state: 'active', attempts: 1, completedSteps: [], pendingSteps: [], bytes: 123 }] } },
    });
    const text = await (await fetch(url)).text();
    expect(text).toContain('xrepl_zfs_command_duration_seconds_count{command="send"} 1');
    expect(text).toContain('xrepl_replication_bytes_replicated{job="j",filesystem="tank/a"} 123');
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('stops recording zfs commands once closed', async () => {
    const first = await enableMetrics();
    await first.close();
    observeZfsCommand('list', 1);
    expect(await first.metrics.registry.getSingleMetricAsString('xrepl_zfs_command_duration_seconds')).not.toContain('command="list"');
  });
});
