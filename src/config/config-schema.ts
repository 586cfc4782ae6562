/**
 * The shape of an xrepl configuration file, in zrepl's vocabulary, as zod 4 schemas. Objects are
 * strict (an unknown key is an error that lists the keys the object takes) and durations are
 * parsed where they stand, so every issue carries the path of the offending key.
 *
 * Meaning that needs more than shape (filesystem patterns, keep rules, unique names, which keys a
 * job type needs) is checked afterwards in `parse-config.ts`.
 */
import { z } from 'zod';
import { ConfigError } from '../domain/errors.js';
import { parseDuration, parsePositiveDuration } from './duration.js';
import { JOB_ID_PATTERN } from '../endpoint/cursor.js';
import { strict } from './strict-object.js';
import { recvSchema, sendSchema } from './send-recv-schema.js';


// A zrepl duration (`30s`, `10m`, `1h`, or `300ms`) turned into milliseconds; `positive` refuses zero.
function duration(positive: boolean) {
  return z.string({ error: 'expected a duration like "30s", "10m", "1h" or "300ms"' }).transform((text, ctx) => {
    try {
      return positive ? parsePositiveDuration(text) : parseDuration(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof ConfigError ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

/** Log levels, as pino names them. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const loggingSchema = strict({
  level: z.enum(LOG_LEVELS).default('info'),
  /** `auto`: human-readable on a terminal, JSON lines otherwise. */
  format: z.enum(['auto', 'json', 'human']).default('auto'),
});

const listenPattern = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]*):(\d{1,5})$/;

const listenSchema = z
  .string()
  .regex(listenPattern, { error: 'expected "host:port" (e.g. "127.0.0.1:9811" or ":9811")' })
  .refine((text) => Number(text.slice(text.lastIndexOf(':') + 1)) <= 65535, { error: 'port must be at most 65535' });

const monitoringSchema = strict({ listen: listenSchema });

// The live view: an empty host means loopback (metrics' empty host means every address).
const liveViewSchema = strict({ listen: listenSchema });

const controlSchema = strict({
  socket_path: z.string().min(1, { error: 'expected a file path' }),
});

const globalSchema = strict({
  logging: loggingSchema.optional(),
  monitoring: monitoringSchema.optional(),
  live_view: liveViewSchema.optional(),
  control: controlSchema.optional(),
});

const faultSchema = strict({
  call: z.enum([
    'capabilities',
    'listFilesystems',
    'listVersions',
    'estimateSendSize',
    'send',
    'receive',
    'listReplicationCursors',
    'setReplicationCursor',
    'hold',
    'release',
    'destroySnapshots',
    'createSnapshots',
  ]),
  filesystem: z.string().optional(),
  /** How many matching calls fail; a number, or `all`. */
  times: z.union([z.number().int().min(1), z.literal('all')]).default(1),
  effect: z.enum(['error', 'hang', 'slow', 'truncate']),
  error_class: z.enum(['transient', 'permanent']).default('transient'),
  bytes_per_chunk: z.number().int().min(1).default(16_384),
  delay: duration(false).default(50),
  after_bytes: z.number().int().min(0).default(0),
});

const memoryFilesystemSchema = strict({
  /** Snapshots created in this order, each after changing the filesystem's content. */
  snapshots: z.array(z.string().min(1)).default([]),
  /** Bytes written into the filesystem before each snapshot (the stream size grows with it). */
  bytes_per_snapshot: z.number().int().min(0).default(4096),
});

const memoryPoolSchema = strict({
  filesystems: z.record(z.string(), memoryFilesystemSchema.nullable()).default({}),
  faults: z.array(faultSchema).default([]),
});

const endpointSchema = z.discriminatedUnion('type', [
  strict({ type: z.literal('zfs') }),
  strict({ type: z.literal('memory'), pool: z.string().min(1) }),
]);

const sshConnectSchema = strict({
  type: z.literal('ssh'),
  host: z.string().min(1),
  user: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  /** The private key's path; xrepl never reads or prints the key itself. */
  identity_file: z.string().min(1).optional(),
  /** Extra ssh `-o Key=Value` options, from a list of safe ones. */
  options: z.array(z.string()).optional(),
  /** Option keys allowed beyond the safe list (ProxyCommand, …): the operator takes the risk by name. */
  allow_unsafe_options: z.array(z.string().min(1)).optional(),
  /** The zfs program on the remote machine. */
  zfs_path: z.string().min(1).optional(),
});

/** zrepl's name: ssh to a key whose authorized_keys line forces `xrepl serve --stdio`. */
const stdinServerConnectSchema = strict({
  type: z.literal('ssh+stdinserver'),
  host: z.string().min(1),
  user: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identity_file: z.string().min(1).optional(),
  options: z.array(z.string()).optional(),
  allow_unsafe_options: z.array(z.string().min(1)).optional(),
});

const connectSchema = z.discriminatedUnion('type', [sshConnectSchema, stdinServerConnectSchema]);

/** zrepl's snapshotting hook: a program run before and after each filesystem's snapshot. */
const hookSchema = z.discriminatedUnion('type', [
  strict({
    type: z.literal('command'),
    path: z.string().startsWith('/', { error: 'expected the absolute path of an executable' }),
    timeout: duration(true).default(30_000),
    err_is_fatal: z.boolean({ error: 'expected true or false' }).default(false),
    filesystems: z.record(z.string(), z.boolean({ error: 'expected true or false' })).optional(),
  }),
]);

// Keys periodic and cron share: names and hooks.
const takenSnapshotKeys = {
  prefix: z.string().min(1),
  timestamp_format: z.string().default('dense'),
  timestamp_location: z.string().min(1).optional(),
  hooks: z.array(hookSchema).default([]),
};

const snapshottingSchema = z.discriminatedUnion('type', [
  strict({ type: z.literal('periodic'), interval: duration(true), ...takenSnapshotKeys }),
  strict({ type: z.literal('cron'), cron: z.string().min(1), ...takenSnapshotKeys }),
  strict({ type: z.literal('manual') }),
]);

const pruningSchema = strict({
  keep_sender: z.array(z.unknown()),
  keep_receiver: z.array(z.unknown()),
});

const retrySchema = strict({
  max_attempts: z.number().int().min(1).optional(),
  initial_delay: duration(false).optional(),
  max_delay: duration(false).optional(),
});

const replicationSchema = strict({
  concurrency: z.number().int().min(1).max(64).default(1),
  initial_replication: z.enum(['most_recent', 'all', 'fail']).default('most_recent'),
  retry: retrySchema.optional(),
  /** Minimum time between byte-count progress reports of one transfer. */
  progress_interval: duration(true).optional(),
});

const jobSchema = strict({
  name: z.string().regex(JOB_ID_PATTERN, { error: 'expected 1 to 64 letters, digits, "_" or "-"' }),
  type: z.enum(['local', 'push', 'pull']),
  connect: connectSchema.optional(),
  sender: endpointSchema.optional(),
  receiver: endpointSchema.optional(),
  filesystems: z.record(z.string(), z.boolean({ error: 'expected true or false' })),
  root_fs: z.string().min(1),
  /** Create root_fs (its parent must exist) when it is missing; off: a missing root_fs is an error. */
  create_root_fs: z.boolean({ error: 'expected true or false' }).optional(),
  snapshotting: snapshottingSchema,
  pruning: pruningSchema,
  replication: replicationSchema.optional(),
  /** Replicate this often even without periodic snapshots (daemon); defaults to the snapshotting interval. */
  interval: duration(true).optional(),
  watchdog_timeout: duration(true).optional(),
  /** zrepl's send options: zfs send flags, encryption, bandwidth_limit (src/config/send-recv-schema.ts). */
  send: sendSchema.optional(),
  /** zrepl's recv options: property override/inherit, placeholder encryption, bandwidth_limit. */
  recv: recvSchema.optional(),
});

/** `xrepl serve`: receives pushes, each client below `root_fs/<client>`; `retention_floor` or `append_only` win over clients' destroys. */
const sinkJobSchema = strict({
  name: z.string().regex(JOB_ID_PATTERN, { error: 'expected 1 to 64 letters, digits, "_" or "-"' }),
  type: z.literal('sink'),
  root_fs: z.string().min(1),
  /** Keep rules (as keep_receiver's) the server applies before any destroy a client asks for. */
  retention_floor: z.array(z.unknown()).min(1, { error: 'expected at least one keep rule (append_only: true keeps everything)' }).optional(),
  /** Never destroy a snapshot at a client's request. */
  append_only: z.boolean({ error: 'expected true or false' }).optional(),
});

/** `xrepl serve`: serves pulls of exactly `filesystems`. */
const sourceJobSchema = strict({
  name: z.string().regex(JOB_ID_PATTERN, { error: 'expected 1 to 64 letters, digits, "_" or "-"' }),
  type: z.literal('source'),
  filesystems: z.record(z.string(), z.boolean({ error: 'expected true or false' })),
});

/** The whole file. */
export const configFileSchema = strict({
  global: globalSchema.optional(),
  memory_pools: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), memoryPoolSchema).optional(),
  jobs: z.array(z.discriminatedUnion('type', [jobSchema, sinkJobSchema, sourceJobSchema])).min(1, { error: 'expected at least one job' }),
});

/** The file as the schema returns it: defaults filled in, durations in milliseconds. */
export type ConfigFile = z.output<typeof configFileSchema>;
/** Any job entry as the schema returns it. */
export type AnyJobEntry = ConfigFile['jobs'][number];
/** One replication job entry (local, push, pull) as the schema returns it. */
export type JobEntry = Extract<AnyJobEntry, { type: 'local' | 'push' | 'pull' }>;
/** One `xrepl serve` job entry (sink, source) as the schema returns it. */
export type ServeJobEntry = Extract<AnyJobEntry, { type: 'sink' | 'source' }>;
/** One memory pool entry as the schema returns it. */
export type MemoryPoolEntry = z.output<typeof memoryPoolSchema>;
/** One injected fault as the schema returns it. */
export type FaultEntry = z.output<typeof faultSchema>;
