import type { ReplicationJob } from '../runner/replication-job.js';
import { JobReportMetrics } from './job-report-metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { type XreplMetrics, createXreplMetrics } from './xrepl-metrics.js';
import { setZfsCommandObserver } from './zfs-command-hook.js';

/** Metrics switched on for a process: the registry, its server, and a way to follow jobs. */
export interface EnabledMetrics {
  metrics: XreplMetrics;
  /** Absent when no listen address was given (metrics collected but not served). */
  server?: MetricsServer | undefined;
  /** Feeds a job's reports into the metrics until the returned function is called. */
  follow(job: Pick<ReplicationJob, 'report$'>): () => void;
  /** Stops following, unhooks the zfs layer and closes the server. */
  close(): Promise<void>;
}

/**
 * Creates the metrics, hooks zfs command durations and serves `/metrics` on `listen` when given.
 * This is the only place that loads prom-client; call it only when monitoring is configured.
 */
export async function enableMetrics(listen?: { host: string; port: number }, build: { version?: string } = {}): Promise<EnabledMetrics> {
  const metrics = createXreplMetrics();
  metrics.buildInfo.set({ version: build.version ?? 'unknown', node_version: process.versions.node }, 1);
  setZfsCommandObserver((command, seconds) => metrics.zfsCommandDuration.observe({ command }, seconds));
  const server = listen === undefined ? undefined : await startMetricsServer(listen, metrics.registry);
  const unsubscribes = new Set<() => void>();
  return {
    metrics,
    server,
    follow(job) {
      const observer = new JobReportMetrics(metrics);
      const subscription = job.report$.subscribe({ next: (report) => observer.observe(report) });
      const stop = (): void => {
        subscription.unsubscribe();
        unsubscribes.delete(stop);
      };
      unsubscribes.add(stop);
      return stop;
    },
    async close() {
      for (const stop of [...unsubscribes]) stop();
      setZfsCommandObserver(undefined);
      await server?.close();
    },
  };
}
