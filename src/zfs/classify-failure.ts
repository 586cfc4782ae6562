import { EndpointError, type EndpointErrorKind, type ErrorClass } from '../domain/errors.js';

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
}

interface Rule {
  pattern: RegExp;
  kind: EndpointErrorKind;
  errorClass?: ErrorClass;
}

/**
 * stderr patterns of zfs (OpenZFS 2.x and zfs-fuse 0.7) and ssh, first match wins. Ordered from
 * the most specific to the most general: "dataset is busy" is a busy dataset, not a missing one.
 */
const rules: readonly Rule[] = [
  { pattern: /dataset is busy|pool is busy|resource busy/i, kind: 'dataset-busy' },
  { pattern: /does not match incremental source|incremental source .* is not earlier/i, kind: 'incremental-base-mismatch' },
  { pattern: /destination .* has been modified|has been modified since most recent snapshot/i, kind: 'destination-modified' },
  { pattern: /destination '.*' exists|dataset already exists|destination already exists|destination has snapshots/i, kind: 'dataset-exists' },
  {
    pattern: /invalid backup stream|checksum mismatch|incomplete stream|stream (?:ends|ended) (?:early|unexpectedly)|unexpected end of (?:file|stream)|premature EOF|partially-complete state|Broken pipe/i,
    kind: 'stream-broken',
  },
  { pattern: /Host key verification failed|Permission denied \(|Could not resolve hostname|Too many authentication failures/i, kind: 'connection-lost', errorClass: 'permanent' },
  {
    pattern: /connection (?:lost|reset|closed|refused|timed out)|Connection reset by peer|closed by remote host|kex_exchange_identification|ssh_exchange_identification|Network is unreachable|No route to host/i,
    kind: 'connection-lost',
  },
  { pattern: /timed out|timeout/i, kind: 'timeout' },
  { pattern: /killed by signal|terminated by signal|\bKilled\b/, kind: 'killed' },
  // zfs send -i of a base that is not an ancestor of the snapshot: on the sender this means the
  // planned base was destroyed and re-created since planning, a stale plan like a missing snapshot.
  { pattern: /not an earlier snapshot from the same fs/i, kind: 'dataset-not-found' },
  { pattern: /dataset does not exist|no such pool|no such dataset|could not find any snapshots|does not exist/i, kind: 'dataset-not-found' },
  { pattern: /invalid dataset name|invalid character|name is too long|trailing slash/i, kind: 'invalid-name' },
  { pattern: /invalid option|unrecognized command|unrecognized option|not supported|operation not applicable|pool must be upgraded/i, kind: 'unsupported' },
];

/** The kind (and class, when it differs from the kind's default) that stderr points to. */
export function classifyStderr(stderr: string): { kind: EndpointErrorKind; errorClass?: ErrorClass } {
  // zfs wraps long messages ("does not\nmatch incremental source"): match on one line.
  const flat = stderr.replace(/\s+/g, ' ');
  for (const rule of rules) {
    if (rule.pattern.test(flat)) return rule.errorClass ? { kind: rule.kind, errorClass: rule.errorClass } : { kind: rule.kind };
  }
  return { kind: 'unknown' };
}

/** The first non-empty stderr line, or a description of how the process ended. */
function headline(f: ProcessFailure): string {
  const line = f.stderr.split('\n').find((l) => l.trim().length > 0);
  if (line !== undefined) return line.trim();
  if (f.signal !== undefined) return `killed by signal ${f.signal}`;
  return `exited with code ${String(f.exitCode)}`;
}

/**
 * Turns a failed zfs or ssh process into an EndpointError: `aborted` when we killed it, `killed`
 * when someone else's signal ended it, `connection-lost` when ssh itself failed (exit 255), else
 * the kind its stderr points to. ZFS's message stays whole in `stderr`, the command in `command`.
 */
export function classifyFailure(f: ProcessFailure): EndpointError {
  const common = { command: f.command, stderr: f.stderr, dataset: f.dataset };
  const program = f.command[0] ?? 'zfs';
  if (f.aborted) return new EndpointError(`aborted: ${program} was stopped`, { kind: 'aborted', ...common });
  if (f.signal !== undefined) {
    return new EndpointError(`${program} was killed by signal ${f.signal}`, { kind: 'killed', ...common });
  }
  if (f.remote && f.exitCode === 255) {
    const classified = classifyStderr(f.stderr);
    const errorClass = classified.kind === 'connection-lost' ? classified.errorClass : undefined;
    return new EndpointError(`ssh failed: ${headline(f)}`, {
      kind: 'connection-lost',
      ...(errorClass ? { errorClass } : {}),
      ...common,
    });
  }
  const { kind, errorClass } = classifyStderr(f.stderr);
  return new EndpointError(headline(f), { kind, ...(errorClass ? { errorClass } : {}), ...common });
}
