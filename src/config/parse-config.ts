import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { datasetNameProblem } from '../domain/dataset-name.js';
import { ConfigError, errorMessage } from '../domain/errors.js';
import { filesystemFilter } from '../filter/filesystem-filter.js';
import { selectsNear } from '../filter/selects-near.js';
import { keepRulesFromConfig, parseKeepRuleConfig } from '../pruning/keep-rules-from-config.js';
import { sshTransportOptionsProblem } from '../transport/ssh-transport.js';
import { type ConfigProblem, ConfigFileError, formatKeyPath } from './config-problem.js';
import { type AnyJobEntry, type ConfigFile, type JobEntry, type ServeJobEntry, configFileSchema } from './config-schema.js';
import type { EndpointConfig, JobConfig, ServeJobConfig, SnapshottingConfig, SshConnection, XreplConfig } from './config-types.js';
import { formatHasZone, formatSnapshotTimestamp, timestampFormatProblem, timeZoneProblem } from '../snapshotter/timestamp-format.js';
import { cronExpressionProblem } from '../snapshotter/cron-schedule.js';
import { jobTimerProblems } from './job-timers.js';
import { resolveReceiveOptions, resolveSendOptions, sendRecvProblems } from './send-recv-schema.js';

/**
 * Parses and validates a configuration file's text. Throws {@link ConfigFileError} listing every
 * problem (each with its key path and job) when anything is wrong; nothing is started either way.
 */
export function parseConfig(text: string, source = '<config>'): XreplConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Only the position and the parser's reason: echoing the offending line could print a secret.
    throw new ConfigFileError(
      doc.errors.map((e) => ({
        path: '',
        message: `YAML syntax error: ${firstLine(e.message)}`,
        line: e.linePos?.[0]?.line,
        column: e.linePos?.[0]?.col,
      })),
      source,
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // yaml refuses to expand an excessive number of aliases (a "billion laughs" bomb) by throwing.
    throw new ConfigFileError([{ path: '', message: `YAML refused: ${firstLine(errorMessage(error))}` }], source);
  }
  const parsed = configFileSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) throw new ConfigFileError(schemaProblems(parsed.error.issues, raw), source);
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw new ConfigFileError(problems, source);
  return resolve(parsed.data, source);
}

/** Reads and validates a configuration file; a missing or unreadable file is a ConfigFileError too. */
export async function loadConfigFile(path: string): Promise<XreplConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : errorMessage(error);
    throw new ConfigFileError([{ path: '', message: `cannot read the configuration file: ${reason}` }], path);
  }
  return parseConfig(text, path);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

// The job an issue path points into, with its name when the raw file has one.
function jobOf(path: readonly PropertyKey[], raw: unknown): ConfigProblem['job'] {
  if (path[0] !== 'jobs' || typeof path[1] !== 'number') return undefined;
  const index = path[1];
  const jobs = isRecord(raw) ? raw['jobs'] : undefined;
  const entry = Array.isArray(jobs) ? (jobs[index] as unknown) : undefined;
  const name = isRecord(entry) && typeof entry['name'] === 'string' ? entry['name'] : undefined;
  return { index, name };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaProblems(issues: readonly z.core.$ZodIssue[], raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, at the key's own path; its value is never echoed.
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push({ path: formatKeyPath(path), message: issue.message, job: jobOf(path, raw) });
      }
    } else {
      problems.push({ path: formatKeyPath(issue.path), message: describeIssue(issue), job: jobOf(issue.path, raw) });
    }
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // The input is looked at only to tell a missing key from a wrong one; it is never printed.
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (expected ${issue.expected})`;
  return issue.message;
}

// Checks that need more than shape: patterns, keep rules, names, and which keys each job type needs.
function semanticProblems(file: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pools = file.memory_pools ?? {};
  for (const [poolName, pool] of Object.entries(pools)) {
    for (const fs of Object.keys(pool.filesystems)) {
      const problem = datasetNameProblem(fs, 'filesystem');
      if (problem !== undefined) {
        problems.push({ path: formatKeyPath(['memory_pools', poolName, 'filesystems', fs]), message: `filesystem name ${problem}` });
      }
    }
    pool.faults.forEach((fault, i) => {
      if (fault.filesystem !== undefined && datasetNameProblem(fault.filesystem, 'filesystem') !== undefined) {
        problems.push({
          path: formatKeyPath(['memory_pools', poolName, 'faults', i, 'filesystem']),
          message: `expected a filesystem name: ${datasetNameProblem(fault.filesystem, 'filesystem') ?? ''}`,
        });
      }
    });
  }
  const firstIndexOfName = new Map<string, number>();
  file.jobs.forEach((job, index) => {
    const at = (...keys: PropertyKey[]): string => formatKeyPath(['jobs', index, ...keys]);
    const add = (path: string, message: string): void => {
      problems.push({ path, message, job: { index, name: job.name } });
    };
    const earlier = firstIndexOfName.get(job.name);
    if (earlier !== undefined) add(at('name'), `duplicate job name; jobs[${earlier}] already uses it`);
    else firstIndexOfName.set(job.name, index);
    if (isServeJob(job)) {
      serveJobProblems(job, at, add);
      return;
    }

    if (job.type === 'local') {
      if (job.connect !== undefined) add(at('connect'), 'a local job runs on this machine; connect is only for push and pull jobs');
    } else {
      if (job.connect === undefined) {
        add(at('connect'), `is required for a ${job.type} job (expected { type: ssh, host: ... } naming the ${job.type === 'push' ? 'receiving' : 'sending'} machine)`);
      } else {
        const problem = sshTransportOptionsProblem({
          host: job.connect.host,
          user: job.connect.user,
          port: job.connect.port,
          identityFile: job.connect.identity_file,
          options: job.connect.options,
          allowUnsafeOptions: job.connect.allow_unsafe_options,
        });
        if (problem !== undefined) add(at('connect'), problem);
      }
      for (const side of ['sender', 'receiver'] as const) {
        if (job[side] !== undefined) add(at(side), `only local jobs choose their endpoints; a ${job.type} job uses zfs on both machines`);
      }
    }
    for (const side of ['sender', 'receiver'] as const) {
      const endpoint = job[side];
      if (endpoint?.type === 'memory' && !Object.hasOwn(pools, endpoint.pool)) {
        const known = Object.keys(pools);
        add(at(side, 'pool'), `no memory pool named ${JSON.stringify(endpoint.pool)}; expected one of memory_pools: ${known.length > 0 ? known.join(', ') : '(none defined)'}`);
      }
    }
    if (Object.keys(job.filesystems).length === 0) add(at('filesystems'), 'expected at least one pattern, e.g. { "tank/data<": true }');
    collect(add, () => filesystemFilter(job.filesystems, { configPath: at('filesystems') }));
    const rootProblem = datasetNameProblem(job.root_fs, 'filesystem');
    if (rootProblem !== undefined) add(at('root_fs'), `expected a filesystem name: ${JSON.stringify(job.root_fs)} ${rootProblem}`);
    else {
      const confinement = confinementProblem(job, at('filesystems'), at('root_fs'));
      if (confinement !== undefined) add(at('filesystems'), confinement);
    }
    if (job.type === 'pull' && job.connect?.type === 'ssh+stdinserver' && job.snapshotting.type !== 'manual') {
      // A source serves pulls but takes no snapshots for a client; the pull would fail on every run.
      add(
        at('snapshotting'),
        'a pull job through ssh+stdinserver cannot take snapshots on the source (it serves listings and sends only): use { type: manual } and snapshot on the source machine',
      );
    }
    if (job.snapshotting.type !== 'manual') snapshottingProblems(job.snapshotting, at, add);
    collect(add, () => keepRulesFromConfig(job.pruning.keep_sender, at('pruning', 'keep_sender')));
    collect(add, () => keepRulesFromConfig(job.pruning.keep_receiver, at('pruning', 'keep_receiver')));
    jobTimerProblems(job, at, add);
    sendRecvProblems(job, sendRecvSides(job), at, add);
  });
  return problems;
}

// What runs zfs send and zfs receive for a job: only there do send and recv flags apply.
function sendRecvSides(job: JobEntry): { sender: 'zfs' | 'memory' | 'xrepl'; receiver: 'zfs' | 'memory' | 'xrepl' } {
  if (job.type === 'local') return { sender: job.sender?.type ?? 'zfs', receiver: job.receiver?.type ?? 'zfs' };
  const remote = job.connect?.type === 'ssh+stdinserver' ? 'xrepl' : 'zfs';
  return job.type === 'push' ? { sender: 'zfs', receiver: remote } : { sender: remote, receiver: 'zfs' };
}

type TakenSnapshotting = Exclude<JobEntry['snapshotting'], { type: 'manual' }>;

// Prefix, time format and zone, cron expression, hooks: every name the snapshotter would write must be valid.
function snapshottingProblems(snapshotting: TakenSnapshotting, at: (...keys: PropertyKey[]) => string, add: (path: string, message: string) => void): void {
  const prefixProblem = datasetNameProblem(`pool@${snapshotting.prefix}`, 'snapshot');
  if (prefixProblem !== undefined) add(at('snapshotting', 'prefix'), `cannot start a snapshot name: ${prefixProblem}`);
  const formatProblem = timestampFormatProblem(snapshotting.timestamp_format);
  if (formatProblem !== undefined) add(at('snapshotting', 'timestamp_format'), formatProblem);
  else if (prefixProblem === undefined) {
    const sample = `pool@${snapshotting.prefix}${formatSnapshotTimestamp(new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), { format: snapshotting.timestamp_format, location: 'UTC' })}`;
    const nameProblem = datasetNameProblem(sample, 'snapshot');
    if (nameProblem !== undefined) add(at('snapshotting', 'timestamp_format'), `makes names like ${JSON.stringify(sample)} that ZFS refuses: ${nameProblem}`);
  }
  if (snapshotting.timestamp_location !== undefined) {
    const zoneProblem = timeZoneProblem(snapshotting.timestamp_location);
    if (zoneProblem !== undefined) add(at('snapshotting', 'timestamp_location'), zoneProblem);
    else if (formatProblem === undefined && !formatHasZone(snapshotting.timestamp_format)) {
      add(at('snapshotting', 'timestamp_location'), `timestamp_format ${JSON.stringify(snapshotting.timestamp_format)} writes UTC without an offset; a zone needs iso-8601 or a layout with Z07:00 or -0700`);
    }
  }
  if (snapshotting.type === 'cron') {
    const cronProblem = cronExpressionProblem(snapshotting.cron);
    if (cronProblem !== undefined) add(at('snapshotting', 'cron'), cronProblem);
  }
  snapshotting.hooks.forEach((hook, i) => {
    if (hook.filesystems !== undefined) collect(add, () => filesystemFilter(hook.filesystems ?? {}, { configPath: at('snapshotting', 'hooks', i, 'filesystems') }));
  });
}

function isServeJob(job: AnyJobEntry): job is ServeJobEntry {
  return job.type === 'sink' || job.type === 'source';
}

// A sink's root and floor, a source's filter: what `xrepl serve` needs to be right before it serves.
function serveJobProblems(job: ServeJobEntry, at: (...keys: PropertyKey[]) => string, add: (path: string, message: string) => void): void {
  if (job.type === 'source') {
    if (Object.keys(job.filesystems).length === 0) add(at('filesystems'), 'expected at least one pattern, e.g. { "tank/data<": true }');
    collect(add, () => filesystemFilter(job.filesystems, { configPath: at('filesystems') }));
    return;
  }
  const rootProblem = datasetNameProblem(job.root_fs, 'filesystem');
  if (rootProblem !== undefined) add(at('root_fs'), `expected a filesystem name: ${JSON.stringify(job.root_fs)} ${rootProblem}`);
  if (job.retention_floor !== undefined && job.append_only === true) {
    add(at('retention_floor'), 'append_only: true already keeps every snapshot; give either retention_floor or append_only');
  }
  if (job.retention_floor !== undefined) collect(add, () => keepRulesFromConfig(job.retention_floor ?? [], at('retention_floor')));
}

const loopbackHost = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

// True when the job's sender and receiver are one machine's zfs (or one memory pool), so that
// root_fs lies on a pool the filter can reach.
function sidesShareAPool(job: JobEntry): boolean {
  if (job.type !== 'local') return job.connect !== undefined && loopbackHost.test(job.connect.host);
  const sender = job.sender ?? { type: 'zfs' as const };
  const receiver = job.receiver ?? { type: 'zfs' as const };
  if (sender.type === 'zfs' && receiver.type === 'zfs') return true;
  return sender.type === 'memory' && receiver.type === 'memory' && sender.pool === receiver.pool;
}

// A filter that could select root_fs, a parent of it or anything below it makes the job replicate
// its own replicas into themselves (one level deeper each run) and prune them as sender data.
function confinementProblem(job: JobEntry, filesystemsKey: string, rootKey: string): string | undefined {
  if (!sidesShareAPool(job)) return undefined;
  let near;
  try {
    near = selectsNear(job.filesystems, job.root_fs);
  } catch {
    return undefined; // an invalid pattern is reported on its own
  }
  if (near === undefined) return undefined;
  const root = job.root_fs;
  const what =
    near.relation === 'root'
      ? `${rootKey} (${root}) itself`
      : near.relation === 'above'
        ? `${near.filesystem ?? ''}, a parent of ${rootKey} (${root})`
        : `${near.filesystem ?? `new filesystems below ${root}`}, below ${rootKey} (${root})`;
  const fix =
    near.relation === 'above'
      ? `add ${JSON.stringify(`${near.filesystem ?? ''}`)}: false to ${filesystemsKey}`
      : `add ${JSON.stringify(`${root}<`)}: false to ${filesystemsKey}`;
  return (
    `pattern ${JSON.stringify(near.pattern)} selects ${what} on the same pool: the job would replicate its own replicas ` +
    `into itself, one level deeper each run, and prune them as sender data. ${fix[0]?.toUpperCase() ?? ''}${fix.slice(1)}, or choose a ${rootKey} outside what ${filesystemsKey} selects`
  );
}

// Runs a validating builder and turns its ConfigError into a problem at the error's own path.
function collect(add: (path: string, message: string) => void, build: () => unknown): void {
  try {
    build();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const path = error.path ?? '';
    const message = path !== '' && error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
    add(path, message);
  }
}

function resolve(file: ConfigFile, source: string): XreplConfig {
  const global = file.global ?? {};
  const listen = global.monitoring?.listen;
  return {
    source,
    global: {
      logging: { level: global.logging?.level ?? 'info', format: global.logging?.format ?? 'auto' },
      monitoring: listen === undefined ? undefined : parseListen(listen),
      liveView: global.live_view === undefined ? undefined : parseListen(global.live_view.listen, '127.0.0.1'),
      control: global.control === undefined ? undefined : { socketPath: global.control.socket_path },
    },
    memoryPools: file.memory_pools ?? {},
    // Each job keeps its index in the file, so messages about it point at the right entry.
    jobs: file.jobs.flatMap((job, index) => (isServeJob(job) ? [] : [resolveJob(job, index)])),
    serveJobs: file.jobs.flatMap((job, index) => (isServeJob(job) ? [resolveServeJob(job, index)] : [])),
  };
}

function parseListen(listen: string, emptyHost = '0.0.0.0'): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? emptyHost : host, port: Number(listen.slice(colon + 1)) };
}

function resolveServeJob(job: ServeJobEntry, index: number): ServeJobConfig {
  if (job.type === 'source') return { index, name: job.name, type: 'source', filesystems: job.filesystems };
  const floor = job.append_only === true ? ('all' as const) : job.retention_floor;
  return { index, name: job.name, type: 'sink', rootFs: job.root_fs, floor };
}

function resolveJob(job: JobEntry, index: number): JobConfig {
  const ssh: SshConnection | undefined =
    job.connect === undefined
      ? undefined
      : {
          host: job.connect.host,
          user: job.connect.user,
          port: job.connect.port,
          identityFile: job.connect.identity_file,
          options: job.connect.options,
          allowUnsafeOptions: job.connect.allow_unsafe_options,
          zfsPath: job.connect.type === 'ssh' ? job.connect.zfs_path : undefined,
        };
  const local: EndpointConfig = { type: 'zfs', transport: 'local' };
  const remote: EndpointConfig =
    ssh === undefined ? local : job.connect?.type === 'ssh+stdinserver' ? { type: 'xrepl', ssh } : { type: 'zfs', transport: 'ssh', ssh };
  const side = (entry: JobEntry['sender']): EndpointConfig =>
    entry === undefined || entry.type === 'zfs' ? local : { type: 'memory', pool: entry.pool };
  const sender = job.type === 'pull' ? remote : job.type === 'push' ? local : side(job.sender);
  const receiver = job.type === 'push' ? remote : job.type === 'pull' ? local : side(job.receiver);
  const retry = job.replication?.retry;
  return {
    index,
    name: job.name,
    type: job.type,
    sender,
    receiver,
    filesystems: job.filesystems,
    rootFs: job.root_fs,
    createRootFs: job.create_root_fs ?? false,
    snapshotting: snapshottingConfig(job.snapshotting),
    // Already checked above (keepRulesFromConfig); parsed again here only to carry their type.
    keepSender: job.pruning.keep_sender.map((r, i) => parseKeepRuleConfig(r, `keep_sender[${i}]`)),
    keepReceiver: job.pruning.keep_receiver.map((r, i) => parseKeepRuleConfig(r, `keep_receiver[${i}]`)),
    concurrency: job.replication?.concurrency ?? 1,
    initialReplication: job.replication?.initial_replication ?? 'most_recent',
    retry:
      retry === undefined
        ? undefined
        : dropUndefined({ maxAttempts: retry.max_attempts, initialDelayMs: retry.initial_delay, maxDelayMs: retry.max_delay }),
    progressIntervalMs: job.replication?.progress_interval,
    intervalMs: job.interval ?? (job.snapshotting.type === 'periodic' ? job.snapshotting.interval : undefined),
    watchdogTimeoutMs: job.watchdog_timeout,
    send: resolveSendOptions(job.send),
    receive: resolveReceiveOptions(job.recv),
    bandwidthLimit:
      job.send?.bandwidth_limit === undefined && job.recv?.bandwidth_limit === undefined
        ? undefined
        : { send: job.send?.bandwidth_limit, receive: job.recv?.bandwidth_limit },
  };
}

function snapshottingConfig(snapshotting: JobEntry['snapshotting']): SnapshottingConfig {
  if (snapshotting.type === 'manual') return { type: 'manual' };
  const taken = {
    prefix: snapshotting.prefix,
    naming: { format: snapshotting.timestamp_format, location: snapshotting.timestamp_location ?? 'UTC' },
    hooks: snapshotting.hooks.map((h) => ({ path: h.path, timeoutMs: h.timeout, errIsFatal: h.err_is_fatal, filesystems: h.filesystems })),
  };
  return snapshotting.type === 'periodic' ? { type: 'periodic', intervalMs: snapshotting.interval, ...taken } : { type: 'cron', cron: snapshotting.cron, ...taken };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
