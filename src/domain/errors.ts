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

  constructor(message: string, options: EndpointErrorOptions) {
    super(options.dataset && !message.includes(options.dataset) ? `${options.dataset}: ${message}` : message, {
      cause: options.cause,
    });
    this.kind = options.kind;
    this.errorClass = options.errorClass ?? defaultErrorClass(options.kind);
    this.dataset = options.dataset;
    this.command = options.command;
    this.stderr = options.stderr;
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
