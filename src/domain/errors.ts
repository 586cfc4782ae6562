/**
 * A configuration value that xrepl refuses. The message names the offending field, pattern
 * or rule, so an operator can find it in the file.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Where in the configuration the problem is, e.g. `jobs[0].pruning.keep_sender[1].count`. */
  readonly path: string | undefined;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path ? `${options.path}: ${message}` : message, { cause: options.cause });
    this.path = options.path;
  }
}

/** Whether retrying the same operation later may succeed. */
export type ErrorClass = 'transient' | 'permanent';

/** What went wrong, as a value that guards can branch on (never the message text). */
export type EndpointErrorKind =
  | 'aborted' // the caller's AbortSignal fired
  | 'killed' // the process was killed by a signal we did not send
  | 'connection-lost' // ssh or the transport broke
  | 'timeout'
  | 'dataset-busy'
  | 'dataset-not-found'
  | 'dataset-exists'
  | 'snapshot-held'
  | 'stream-broken' // a send or receive stream ended early or was invalid
  | 'stream-read-failed' // zfs receive could not read its stream ("failed to read from stream"): the sender side broke
  | 'stream-invalid' // zfs receive got bytes that are no valid send stream ("invalid backup stream"), usually a cut one
  | 'resume-token-stale' // a resume token that no longer leads anywhere: its snapshot or base is gone or was re-created
  | 'partial-receive-state' // the target holds a partial receive ("partially-complete state"): only `zfs receive -A` clears it
  | 'bookmark-exists'
  | 'snapshot-cloned' // a snapshot that clones depend on cannot be destroyed
  | 'out-of-space'
  | 'quota-exceeded'
  | 'permission-denied' // zfs refused for lack of a delegated permission (or of root)
  | 'key-not-loaded' // an encrypted dataset whose key is not loaded
  | 'pool-suspended' // the pool's I/O is suspended after device failures
  | 'zfs-unavailable' // zfs is there but cannot work: the kernel modules are not loaded, /dev/zfs is missing
  | 'zfs-not-found' // the zfs program itself is missing (exit 127, ENOENT): zfs_path is wrong
  | 'output-too-large' // zfs printed more than xrepl reads from one command
  | 'incremental-base-mismatch' // the receiver's newest snapshot is not the incremental base
  | 'destination-modified'
  | 'invalid-name'
  | 'outside-root' // a receiver refused a write outside its root_fs
  | 'not-allowed' // a sender refused a filesystem its filter does not include
  | 'unsupported' // the endpoint lacks the feature
  | 'unexpected-output' // zfs printed something we cannot parse
  | 'injected' // a fault injected by a test or demo
  | 'unknown';

const transientKinds: ReadonlySet<EndpointErrorKind> = new Set<EndpointErrorKind>([
  'killed',
  'connection-lost',
  'timeout',
  'dataset-busy',
  'stream-broken',
  'stream-read-failed',
  'stream-invalid',
]);

/** The class xrepl gives a kind when the thrower does not say. */
export function defaultErrorClass(kind: EndpointErrorKind): ErrorClass {
  return transientKinds.has(kind) ? 'transient' : 'permanent';
}

/** Options for {@link EndpointError}. */
export interface EndpointErrorOptions {
  kind: EndpointErrorKind;
  /** Overrides the kind's default class. */
  errorClass?: ErrorClass;
  /** The dataset (filesystem, snapshot or bookmark) involved. */
  dataset?: string;
  /** The command that failed, as an argument list. */
  command?: readonly string[];
  /** What the command printed on stderr, kept whole. */
  stderr?: string;
  /** What the operator can do about it, in a sentence; the classifier adds it to the message too. */
  hint?: string;
  cause?: unknown;
}

/**
 * An error from an endpoint: structured fields next to a composed message, the original kept as
 * `cause`, and a transient/permanent class that decides whether the engine retries.
 */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  readonly kind: EndpointErrorKind;
  readonly errorClass: ErrorClass;
  readonly dataset: string | undefined;
  readonly command: readonly string[] | undefined;
  readonly stderr: string | undefined;
  /** What the operator can do about it, when xrepl knows. */
  readonly hint: string | undefined;

  constructor(message: string, options: EndpointErrorOptions) {
    super(options.dataset && !message.includes(options.dataset) ? `${options.dataset}: ${message}` : message, {
      cause: options.cause,
    });
    this.kind = options.kind;
    this.errorClass = options.errorClass ?? defaultErrorClass(options.kind);
    this.dataset = options.dataset;
    this.command = options.command;
    this.stderr = options.stderr;
    this.hint = options.hint;
  }

  /** True when a later retry may succeed. */
  get transient(): boolean {
    return this.errorClass === 'transient';
  }
}

/** Classifies any thrown value: EndpointErrors by their class, anything else as permanent. */
export function errorClassOf(error: unknown): ErrorClass {
  return error instanceof EndpointError ? error.errorClass : 'permanent';
}

/** A one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
