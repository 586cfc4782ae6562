/**
 * A validated configuration, resolved for use: durations in milliseconds, each job's endpoints
 * spelled out, camelCase names. Built by `parseConfig`; the raw file is never used past it.
 */
import type { InitialReplicationPolicy, RetryPolicy } from '../runner/job-options.js';
import type { KeepRuleConfig } from '../pruning/keep-rule-schema.js';
import type { MemoryPoolEntry } from './config-schema.js';
import type { BandwidthLimit, ReceiveOptions, SendOptions } from '../transfer-options/transfer-options.js';
import type { SnapshotNaming } from '../snapshotter/timestamp-format.js';

/** How xrepl reaches another machine (zrepl's `connect` with `type: ssh`). */
export interface SshConnection {
  host: string;
  user?: string | undefined;
  port?: number | undefined;
  /** The private key's path; its contents are never read or printed by xrepl. */
  identityFile?: string | undefined;
  options?: string[] | undefined;
  /** Keys of `options` the operator allowed beyond the safe list. */
  allowUnsafeOptions?: string[] | undefined;
  zfsPath?: string | undefined;
}

/** One side of a job: zfs here, zfs over ssh, or a memory pool named in `memory_pools`. */
export type EndpointConfig =
  | { type: 'zfs'; transport: 'local' }
  | { type: 'zfs'; transport: 'ssh'; ssh: SshConnection }
  | { type: 'memory'; pool: string }
  /** `connect: { type: ssh+stdinserver }`: an `xrepl serve` at the other end of ssh. */
  | { type: 'xrepl'; ssh: SshConnection };

/** When a job takes snapshots. */
export type SnapshottingConfig =
  | { type: 'manual' }
  | ({ type: 'periodic'; intervalMs: number } & TakenSnapshotsConfig)
  | ({ type: 'cron'; cron: string } & TakenSnapshotsConfig);

/** What periodic and cron snapshotting share. */
export interface TakenSnapshotsConfig {
  prefix: string;
  /** `timestamp_format` and `timestamp_location`; absent: dense, UTC. */
  naming?: SnapshotNaming | undefined;
  /** Absent: none. */
  hooks?: HookConfig[] | undefined;
}

/** One `type: command` snapshotting hook. */
export interface HookConfig {
  path: string;
  timeoutMs: number;
  errIsFatal: boolean;
  filesystems?: Record<string, boolean> | undefined;
}

/** One job, validated. */
export interface JobConfig {
  /** Position in `jobs:`, for messages. */
  index: number;
  name: string;
  type: 'local' | 'push' | 'pull';
  sender: EndpointConfig;
  receiver: EndpointConfig;
  /** zrepl's `filesystems:` patterns, on the sender. */
  filesystems: Record<string, boolean>;
  /** The receiver filesystem below which sender filesystems land. */
  rootFs: string;
  /** `create_root_fs`: create `rootFs` when missing; otherwise a missing root is an error. */
  createRootFs: boolean;
  snapshotting: SnapshottingConfig;
  /** Keep rules as written, checked against the keep-rule schema. */
  keepSender: KeepRuleConfig[];
  keepReceiver: KeepRuleConfig[];
  concurrency: number;
  initialReplication: InitialReplicationPolicy;
  retry?: Partial<RetryPolicy> | undefined;
  progressIntervalMs?: number | undefined;
  /** Time between invocations in the daemon: `interval`, else the snapshotting interval; absent for wakeup-only jobs. */
  intervalMs?: number | undefined;
  watchdogTimeoutMs?: number | undefined;
  /** `send:`'s zfs send options; absent: xrepl's defaults (and encrypted filesystems refused). */
  send?: SendOptions | undefined;
  /** `recv:`'s zfs receive options. */
  receive?: ReceiveOptions | undefined;
  /** `send.bandwidth_limit` and `recv.bandwidth_limit`: each side's token bucket, shared by the job's streams. */
  bandwidthLimit?: { send?: BandwidthLimit | undefined; receive?: BandwidthLimit | undefined } | undefined;
}

/** A job `xrepl serve` offers its clients. */
export type ServeJobConfig =
  | {
      index: number;
      name: string;
      type: 'sink';
      rootFs: string;
      /** Keep rules as written (checked), or `all` for append-only; absent: clients prune freely. */
      floor?: unknown[] | 'all' | undefined;
    }
  | { index: number; name: string; type: 'source'; filesystems: Record<string, boolean> };

/** Global options. */
export interface GlobalConfig {
  logging: { level: string; format: 'auto' | 'json' | 'human' };
  /** Where `/metrics` is served, when monitoring is on. */
  monitoring?: { host: string; port: number } | undefined;
  /** Where the daemon serves its live view (`global.live_view.listen`); off when absent. */
  liveView?: { host: string; port: number } | undefined;
  control?: { socketPath: string } | undefined;
}

/** A whole configuration file, validated and resolved. */
export interface XreplConfig {
  /** The file it came from (or a label such as `<demo>`). */
  source: string;
  global: GlobalConfig;
  /** Memory pools by name (demos and tests). */
  memoryPools: Record<string, MemoryPoolEntry>;
  jobs: JobConfig[];
  /** The sink and source jobs, for `xrepl serve`; absent or empty in a file without them. */
  serveJobs?: ServeJobConfig[] | undefined;
}
