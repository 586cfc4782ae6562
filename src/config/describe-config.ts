import type { EndpointConfig, JobConfig, XreplConfig } from './config-types.js';

/** A one-line human description of an endpoint (never a key's contents). */
export function describeEndpoint(endpoint: EndpointConfig): string {
  switch (endpoint.type) {
    case 'memory':
      return `memory pool ${endpoint.pool}`;
    case 'xrepl': {
      const { host, user, port } = endpoint.ssh;
      return `xrepl serve over ssh+stdinserver ${user !== undefined ? `${user}@` : ''}${host}${port !== undefined ? `:${port}` : ''}`;
    }
    case 'zfs': {
      if (endpoint.transport === 'local') return 'zfs on this machine';
      const { host, user, port } = endpoint.ssh;
      return `zfs over ssh ${user !== undefined ? `${user}@` : ''}${host}${port !== undefined ? `:${port}` : ''}`;
    }
  }
}

/** A few lines summarising a job for `xrepl config check`. */
export function describeJob(job: JobConfig): string[] {
  const snap =
    job.snapshotting.type === 'periodic'
      ? `periodic, prefix ${job.snapshotting.prefix}, every ${formatMs(job.snapshotting.intervalMs)}`
      : job.snapshotting.type === 'cron'
        ? `cron "${job.snapshotting.cron}", prefix ${job.snapshotting.prefix}`
        : 'manual';
  const patterns = Object.entries(job.filesystems).map(([p, accept]) => `${accept ? '+' : '-'}${p}`);
  return [
    `job ${job.name} (${job.type})`,
    `  sender:    ${describeEndpoint(job.sender)}; filesystems ${patterns.join(' ')}`,
    `  receiver:  ${describeEndpoint(job.receiver)}; root_fs ${job.rootFs}`,
    `  snapshots: ${snap}`,
    `  pruning:   ${job.keepSender.length} sender rule(s), ${job.keepReceiver.length} receiver rule(s)`,
    `  replication: concurrency ${job.concurrency}, initial ${job.initialReplication}${job.watchdogTimeoutMs !== undefined ? `, watchdog ${formatMs(job.watchdogTimeoutMs)}` : ''}`,
  ];
}

/** The summary `xrepl config check` prints for a valid file. */
export function describeConfig(config: XreplConfig): string {
  const lines = [`${config.source}: configuration OK, ${config.jobs.length + (config.serveJobs?.length ?? 0)} job(s)`];
  for (const job of config.jobs) lines.push(...describeJob(job));
  for (const job of config.serveJobs ?? []) {
    if (job.type === 'source') lines.push(`job ${job.name} (source, for xrepl serve)`, `  filesystems ${Object.entries(job.filesystems).map(([p, a]) => `${a ? '+' : '-'}${p}`).join(' ')}`);
    else {
      const floor = job.floor === 'all' ? 'append-only' : job.floor === undefined ? 'none (clients prune freely)' : `${job.floor.length} keep rule(s)`;
      lines.push(`job ${job.name} (sink, for xrepl serve)`, `  root_fs ${job.rootFs}/<client>; retention floor: ${floor}`);
    }
  }
  if (config.global.monitoring !== undefined) lines.push(`metrics on http://${config.global.monitoring.host}:${config.global.monitoring.port}/metrics`);
  if (config.global.liveView !== undefined) lines.push(`live view on http://${config.global.liveView.host}:${config.global.liveView.port}/ (daemon)`);
  return lines.join('\n');
}

/** Milliseconds in zrepl's duration style, largest whole unit: `600000` → `10m`. */
export function formatMs(ms: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
