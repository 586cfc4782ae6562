import { EndpointError, type EndpointErrorKind, type ErrorClass } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';

/** How a zfs (or ssh) process ended, as the runner saw it. */
export interface ProcessFailure {
  /** The full command line, program first. */
  command: readonly string[];
  exitCode: number | undefined;
  /** The signal that ended the process, when one did. */
  signal: string | undefined;
  stderr: string;
  /** True when the caller's AbortSignal fired (we killed the process on purpose). */
  aborted: boolean;
  /** True when the command went through ssh, whose exit code 255 is its own failure. */
  remote: boolean;
  /** The dataset the command was about, for the error message. */
  dataset?: string | undefined;
  /** The arguments given to zfs (without the program or ssh's), to name the permission a refusal lacks. */
  zfsArgs?: readonly string[] | undefined;
}

interface Rule {
  pattern: RegExp;
  kind: EndpointErrorKind;
  errorClass?: ErrorClass;
  /** What the operator can do; a function where it depends on the command. */
  hint?: string | ((zfsArgs: readonly string[]) => string);
}

/**
 * The `zfs allow` permissions a subcommand needs, from what xrepl runs (docs/zfs.md lists them per
 * side). `set`/`inherit` of a user property need `userprop`, of a native one its own name
 * (`canmount`); a `create` or `receive` that sets properties needs those too.
 */
export function permissionsFor(zfsArgs: readonly string[]): string[] {
  const [sub, ...rest] = zfsArgs;
  const setProperties = (options: readonly string[]): string[] =>
    options.map((o) => o.split('=')[0] ?? '').filter((p) => p.length > 0).map((p) => (p.includes(':') ? 'userprop' : p));
  const optionValues = (flag: string): string[] => rest.filter((_, i) => rest[i - 1] === flag);
  switch (sub) {
    case 'send':
      return rest.includes('-h') || rest.includes('--holds') ? ['send', 'hold'] : ['send'];
    case 'receive':
    case 'recv':
      return rest.includes('-A') ? ['receive'] : unique(['receive', 'create', 'mount', ...setProperties(optionValues('-o'))]);
    case 'create':
      return unique(['create', 'mount', ...setProperties(optionValues('-o'))]);
    case 'set':
    case 'inherit':
      return setProperties(rest.filter((a) => !a.startsWith('-')).slice(0, 1));
    case 'snapshot':
      return ['snapshot', 'mount'];
    case 'destroy':
      return ['destroy', 'mount'];
    case 'bookmark':
      return ['bookmark'];
    case 'hold':
    case 'release':
      return [sub];
    default:
      return [sub ?? 'zfs'];
  }
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function permissionHint(zfsArgs: readonly string[]): string {
  const target = [...zfsArgs].reverse().find((a) => !a.startsWith('-') && a !== zfsArgs[0]) ?? '<dataset>';
  const dataset = target.split(/[@#]/)[0] ?? target;
  return `run xrepl as root, or delegate the missing permission: zfs allow <user> ${permissionsFor(zfsArgs).join(',')} ${dataset} (docs/zfs.md lists each side's permissions)`;
}

/**
 * stderr patterns of zfs (OpenZFS 2.x, whose texts are in lib/libzfs/libzfs_sendrecv.c,
 * libzfs_util.c, libzfs_dataset.c and cmd/zfs/zfs_main.c, and zfs-fuse 0.7) and ssh, first match
 * wins. Ordered from the most specific to the most general: "dataset is busy" is a busy dataset,
 * not a missing one, and "partially-complete state" is no broken stream. zfs runs with LC_ALL=C,
 * so these are the texts it prints.
 */
const rules: readonly Rule[] = [
  // OpenZFS: `destination %s contains partially-complete state from "zfs receive -s".` (EBUSY).
  {
    pattern: /partially-complete state/i,
    kind: 'partial-receive-state',
    hint: 'the target holds an interrupted receive; xrepl clears it with `zfs receive -A <filesystem>` and sends afresh',
  },
  // OpenZFS zfs_send_resume_impl: "'%s' used in the initial send no longer exists", "'%s' is no
  // longer the same snapshot used in the initial send", "incremental source %#llx no longer exists",
  // "resume token is corrupt"; "dataset to be sent no longer exists".
  {
    pattern: /used in the initial send no longer exists|no longer the same snapshot used in the initial send|incremental source \S+ no longer exists|dataset to be sent no longer exists|resume token is corrupt|cannot resume send/i,
    kind: 'resume-token-stale',
    hint: 'the interrupted receive cannot be resumed; xrepl clears it with `zfs receive -A <filesystem>` and sends afresh',
  },
  // cmd/zfs/zfs_main.c zfs_bookmark_perror: "cannot create bookmark '%s': bookmark exists".
  { pattern: /bookmark exists/i, kind: 'bookmark-exists', hint: 'a bookmark of that name exists; xrepl names a cursor bookmark after its snapshot\'s guid, so it is the same cursor' },
  // libzfs_dataset.c: "cannot destroy snapshot %s: snapshot is cloned"; zfs_main.c: "%s has dependent clones".
  { pattern: /snapshot is cloned|has dependent clones/i, kind: 'snapshot-cloned', hint: 'a clone depends on this snapshot: destroy the clone or `zfs promote` it, or keep the snapshot' },
  // libzfs_util.c zfs_standard_error EAGAIN, zpool_standard_error: "pool I/O is currently suspended".
  { pattern: /I\/O is currently suspended|pool I\/O is suspended/i, kind: 'pool-suspended', hint: 'the pool stopped I/O after device failures: check `zpool status` and run `zpool clear <pool>` once the devices are back' },
  // OpenZFS 2.3 names a hold outright ("cannot destroy snapshot %s: it's being held. Run 'zfs holds
  // -r %s' to see holders."); 2.1 says only "dataset is busy", and the destroy then counts userrefs.
  { pattern: /it's being held/i, kind: 'snapshot-held', hint: 'release the user holds (`zfs holds` lists them) or let the keep rules keep it' },
  { pattern: /dataset is busy|pool is busy|resource busy|target is busy|device busy/i, kind: 'dataset-busy' },
  { pattern: /does not match incremental source|incremental source .* is not earlier/i, kind: 'incremental-base-mismatch' },
  {
    pattern: /destination .* has been modified|has been modified since most recent snapshot/i,
    kind: 'destination-modified',
    hint:
      'the replica changed after its newest snapshot: a write, or a mount (access times change even when nothing is written). ' +
      'Recover with `zfs rollback <filesystem>@<newest snapshot both sides have>` on the receiver, then `zfs set readonly=on` ' +
      '(and `canmount=noauto`) so a look inside cannot change it again; docs/zfs.md says how to look without changing it',
  },
  { pattern: /destination '.*' exists|dataset already exists|destination already exists|destination has snapshots/i, kind: 'dataset-exists' },
  // libzfs_sendrecv.c: "destination %s space quota exceeded."; strerror(EDQUOT): "Disk quota exceeded".
  { pattern: /quota exceeded/i, kind: 'quota-exceeded', hint: 'raise the quota or refquota of the target or a parent (zfs get -r quota,refquota), or prune the receiver' },
  // libzfs_util.c EZFS_NOSPC: "out of space"; strerror(ENOSPC): "No space left on device".
  { pattern: /out of space|No space left on device/i, kind: 'out-of-space', hint: 'free space on the pool (prune or destroy snapshots) or grow it; the next run tries again' },
  // libzfs_sendrecv.c: "source key must be loaded", "dataset key must be loaded", "key must be loaded
  // to do a non-raw send", libzfs_crypto.c: "Parent key must be loaded.", "encryption key not loaded".
  { pattern: /key must be loaded|key not loaded|keys? (?:is|are) not loaded/i, kind: 'key-not-loaded', hint: 'load the encryption key of the dataset (zfs load-key) before xrepl sends or receives it' },
  // libzfs_sendrecv.c recv_read: "failed to read from stream".
  { pattern: /failed to read from stream/i, kind: 'stream-read-failed', hint: 'the stream from the sender broke off; xrepl retries' },
  // libzfs_util.c EZFS_BADSTREAM: "invalid backup stream".
  { pattern: /invalid backup stream|invalid stream/i, kind: 'stream-invalid', hint: 'the received bytes are no valid zfs send stream, usually a stream cut short; xrepl retries' },
  {
    pattern: /checksum mismatch|incomplete stream|stream (?:ends|ended) (?:early|unexpectedly)|unexpected end of (?:file|stream)|premature EOF|Broken pipe/i,
    kind: 'stream-broken',
  },
  { pattern: /Host key verification failed|Permission denied \(|Could not resolve hostname|Too many authentication failures/i, kind: 'connection-lost', errorClass: 'permanent' },
  {
    pattern: /connection (?:lost|reset|closed|refused|timed out)|Connection reset by peer|closed by remote host|kex_exchange_identification|ssh_exchange_identification|Network is unreachable|No route to host/i,
    kind: 'connection-lost',
  },
  // lib/libzfs/os/linux/libzfs_util_os.c libzfs_error_init: "The ZFS modules are not loaded.",
  // "The ZFS modules cannot be auto-loaded.", "/dev/zfs and /proc/self/mounts are required.";
  // zfs-fuse: "failed to initialize ZFS library" when its daemon is not running.
  {
    pattern: /ZFS modules are not loaded|ZFS modules cannot be auto-loaded|\/dev\/zfs and \/proc\/self\/mounts are required|Failed to initialize the libzfs library|failed to initialize ZFS library/i,
    kind: 'zfs-unavailable',
    hint: 'zfs cannot reach the kernel: load the ZFS modules (modprobe zfs) or start the zfs-fuse daemon on that machine',
  },
  // libzfs_util.c EZFS_PERM: "permission denied"; libzfs_error_init EACCES: "Permission denied the ZFS utilities must be run as root."
  { pattern: /permission denied|Operation not permitted|must be run as root/i, kind: 'permission-denied', hint: permissionHint },
  { pattern: /timed out|timeout/i, kind: 'timeout' },
  { pattern: /killed by signal|terminated by signal|\bKilled\b/, kind: 'killed' },
  // zfs send -i of a base that is not an ancestor of the snapshot: on the sender this means the
  // planned base was destroyed and re-created since planning, a stale plan like a missing snapshot.
  { pattern: /not an earlier snapshot from the same fs/i, kind: 'dataset-not-found' },
  { pattern: /dataset does not exist|no such pool|no such dataset|could not find any snapshots|does not exist/i, kind: 'dataset-not-found' },
  { pattern: /invalid dataset name|invalid character|name is too long|trailing slash/i, kind: 'invalid-name' },
  // libzfs_sendrecv.c: "stream has unsupported feature, feature flags = %llx" — a receiver older
  // than the sender's stream format (seen: OpenZFS 2.x sending to zfs-fuse, flag 0x4 SA_SPILL).
  {
    pattern: /stream has unsupported feature/i,
    kind: 'unsupported',
    hint: 'the receiving zfs is older than the stream format the sender writes (e.g. OpenZFS to zfs-fuse); replicate to an equal or newer zfs',
  },
  { pattern: /invalid option|unrecognized command|unrecognized option|not supported|operation not applicable|pool must be upgraded|feature not enabled/i, kind: 'unsupported', hint: 'the pool or zfs lacks the feature: `zpool upgrade` the pool, or xrepl falls back where it can' },
];

/** What stderr points to: the kind, the class when it differs from the kind's default, and the operator's hint. */
export interface StderrClass {
  kind: EndpointErrorKind;
  errorClass?: ErrorClass;
  hint?: string;
}

/** The kind (and class, when it differs from the kind's default) that stderr points to, with a hint for the operator. */
export function classifyStderr(stderr: string, zfsArgs: readonly string[] = []): StderrClass {
  // zfs wraps long messages ("does not\nmatch incremental source"): match on one line.
  const flat = stderr.replace(/\s+/g, ' ');
  for (const rule of rules) {
    if (!rule.pattern.test(flat)) continue;
    const hint = typeof rule.hint === 'function' ? rule.hint(zfsArgs) : rule.hint;
    return { kind: rule.kind, ...(rule.errorClass ? { errorClass: rule.errorClass } : {}), ...(hint !== undefined ? { hint } : {}) };
  }
  return { kind: 'unknown' };
}

/**
 * The first non-empty stderr line, or a description of how the process ended. Escaped: stderr
 * comes from zfs, ssh or the remote host and may carry terminal escape sequences.
 */
function headline(f: ProcessFailure): string {
  const line = f.stderr.split('\n').find((l) => l.trim().length > 0);
  if (line !== undefined) return printableLine(line.trim());
  if (f.signal !== undefined) return `killed by signal ${f.signal}`;
  return `exited with code ${String(f.exitCode)}`;
}

/** The message with the hint after it, so that reports and logs (which show the message) carry it. */
function withHint(message: string, hint: string | undefined): string {
  return hint === undefined ? message : `${message} (${hint})`;
}

/**
 * Turns a failed zfs or ssh process into an EndpointError: `aborted` when we killed it, `killed`
 * when someone else's signal ended it, `connection-lost` when ssh itself failed (exit 255),
 * `zfs-not-found` when the shell found no zfs (exit 127), else the kind its stderr points to.
 * ZFS's message stays whole in `stderr`, the command in `command`.
 */
export function classifyFailure(f: ProcessFailure): EndpointError {
  const common = { command: f.command, stderr: f.stderr, dataset: f.dataset };
  const program = f.command[0] ?? 'zfs';
  if (f.aborted) return new EndpointError(`aborted: ${program} was stopped`, { kind: 'aborted', ...common });
  if (f.signal !== undefined) {
    return new EndpointError(`${program} was killed by signal ${f.signal}`, { kind: 'killed', ...common });
  }
  if (f.remote && f.exitCode === 255) {
    const classified = classifyStderr(f.stderr, f.zfsArgs);
    // zfs itself exits 255 too (OpenZFS 2.1's `zfs send -t` of a stale token: "cannot resume
    // send: ... no longer exists"): a message zfs prints is zfs's failure, not ssh's.
    if (classified.kind !== 'connection-lost' && classified.kind !== 'unknown' && classified.kind !== 'timeout' && classified.kind !== 'killed') {
      return new EndpointError(withHint(headline(f), classified.hint), {
        kind: classified.kind,
        ...(classified.errorClass ? { errorClass: classified.errorClass } : {}),
        ...(classified.hint !== undefined ? { hint: classified.hint } : {}),
        ...common,
      });
    }
    const errorClass = classified.kind === 'connection-lost' ? classified.errorClass : undefined;
    return new EndpointError(`ssh failed: ${headline(f)}`, {
      kind: 'connection-lost',
      ...(errorClass ? { errorClass } : {}),
      ...common,
    });
  }
  if (f.exitCode === 127 || f.exitCode === 126) {
    // 127: the (remote) shell found no such program; 126: it is there but cannot be executed.
    const hint = zfsNotFoundHint(f.remote);
    return new EndpointError(withHint(`zfs ${f.exitCode === 127 ? 'was not found' : 'cannot be executed'}: ${headline(f)}`, hint), {
      kind: 'zfs-not-found',
      hint,
      ...common,
    });
  }
  const { kind, errorClass, hint } = classifyStderr(f.stderr, f.zfsArgs);
  return new EndpointError(withHint(headline(f), hint), { kind, ...(errorClass ? { errorClass } : {}), ...(hint !== undefined ? { hint } : {}), ...common });
}

/** What to do when the zfs program is missing: locally it is looked up on PATH, remotely `connect.zfs_path` names it. */
export function zfsNotFoundHint(remote: boolean): string {
  return remote
    ? 'set connect.zfs_path to the zfs program on that host (e.g. /usr/sbin/zfs; `command -v zfs` there shows it)'
    : 'install zfs or put its folder on PATH for xrepl (e.g. /usr/sbin); xrepl runs `zfs` from PATH';
}
