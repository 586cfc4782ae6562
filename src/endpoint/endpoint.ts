import type { Readable } from 'node:stream';
import type { FilesystemVersion, ListedVersion, VersionType } from '../domain/version.js';

/**
 * A filesystem as an endpoint lists it. Paths are always in the sender's namespace: a receiver
 * with `root_fs: backup` lists its `backup/tank/a` as `tank/a`.
 */
export interface FilesystemInfo {
  path: string;
  /** Receiver only: xrepl created this dataset as an empty parent; it holds no replicated data. */
  placeholder: boolean;
  /** Receiver only: the token of a partially received stream, where the endpoint can resume. */
  resumeToken?: string | undefined;
  /**
   * Receiver only, where the endpoint can read it from the token: the guid of the snapshot the
   * partial stream leads to. Planning resumes only a stream that leads where the plan goes.
   */
  resumeTokenGuid?: bigint | undefined;
  /** Receiver only, with `resumeTokenGuid`: the incremental base's guid of the partial stream; absent for a full one. */
  resumeTokenFromGuid?: bigint | undefined;
}

/** Where a resume token leads, as the endpoint read it from the token (without validating it). */
export interface ResumeTokenTarget {
  /** The filesystem of the snapshot sent, in the sender's namespace. */
  filesystem: string;
  /** The snapshot's name (after `@`). */
  snapshot: string;
  toGuid: bigint;
  /** Absent for a full stream. */
  fromGuid?: bigint | undefined;
}

/** A send of one step: full when `from` is absent, incremental from `from` otherwise. */
export interface SendRequest {
  filesystem: string;
  /** The incremental base (a snapshot or a bookmark); absent for a full send. */
  from?: FilesystemVersion | undefined;
  /** The snapshot to send. */
  to: FilesystemVersion;
  /** Resume an interrupted stream from the receiver's token instead of starting over. */
  resumeToken?: string | undefined;
}

/** A receive of one step's stream. */
export interface ReceiveRequest {
  filesystem: string;
  from?: FilesystemVersion | undefined;
  to: FilesystemVersion;
  /** The byte stream as the sender produced it. */
  stream: Readable;
}

/** Result of destroying one snapshot. */
export interface DestroyResult {
  name: string;
  /** Absent when the snapshot was destroyed. */
  error?: Error | undefined;
}

/** Everything planning and pruning need to know about one side, from one batched listing. */
export interface EndpointListing {
  filesystems: FilesystemInfo[];
  /** Versions of every listed filesystem that is not a placeholder. */
  versions: Map<string, ListedVersion[]>;
  /** The job's replication cursors (empty on a side that keeps none). */
  cursors: Map<string, FilesystemVersion>;
  /**
   * Other jobs' replication cursors per filesystem, where the endpoint can list them in the same
   * call at no extra cost (cursor bookmarks, whose names carry guid and job). Absent means "not
   * listed here", not "none": pruners then ask {@link Endpoint.listForeignCursors}.
   */
  foreignCursors?: Map<string, ForeignCursor[]> | undefined;
}

/**
 * A replication cursor of another job on a filesystem: which job, and the guid of the snapshot it
 * marks (a cursor bookmark's guid is its snapshot's). Pruners never destroy that snapshot, so one
 * job's keep rules cannot force another job into a full resend.
 */
export interface ForeignCursor {
  /** The other job's name. */
  jobId: string;
  /** The guid of the snapshot the cursor marks (a cursor bookmark's guid is its snapshot's). */
  guid: bigint;
  /** Where the cursor lives: the marked snapshot, or the cursor bookmark. */
  type: VersionType;
  /** The snapshot's or the bookmark's name, without the filesystem. */
  name: string;
}

/** What an endpoint can do; engines use a feature where present and fall back where absent. */
export interface EndpointCapabilities {
  /** `zfs send -nvP` or equivalent: size estimates before sending. */
  sizeEstimates: boolean;
  /** Bookmarks, used as replication cursors and incremental bases. */
  bookmarks: boolean;
  /** `zfs recv -s` and `receive_resume_token`. */
  resumableReceive: boolean;
  /** `zfs hold` / `zfs release`. */
  holds: boolean;
}

/**
 * The seam between the engine and a ZFS pool (real, remote or simulated).
 *
 * Every call takes an AbortSignal and must stop promptly (killing any process it started) when the
 * signal fires; it then rejects with an {@link EndpointError} of kind `aborted`. Failures reject with
 * an `EndpointError` whose class says whether a retry may help.
 */
export interface Endpoint {
  /** A short name for logs and reports, e.g. `memory:src` or `ssh:backup.example`. */
  readonly name: string;

  /** What this endpoint supports; may probe once and cache the answer. */
  capabilities(signal: AbortSignal): Promise<EndpointCapabilities>;

  /** The filesystems this endpoint serves (a sender: those its filter allows; a receiver: those under its root). */
  listFilesystems(signal: AbortSignal): Promise<FilesystemInfo[]>;

  /**
   * The snapshots and bookmarks of the given filesystems (all served ones when omitted), in one
   * batched call. Filesystems that do not exist are absent from the map.
   */
  listVersions(filesystems: readonly string[] | undefined, signal: AbortSignal): Promise<Map<string, ListedVersion[]>>;

  /**
   * Optional: `listFilesystems`, `listVersions` of all of them and `listReplicationCursors(jobId)` in
   * one batched call (one `zfs get -r` a side on real ZFS). The engine uses it where present and
   * falls back to the three calls where absent; the answer must equal theirs.
   */
  listAll?(jobId: string, signal: AbortSignal): Promise<EndpointListing>;

  /** The expected size of a send in bytes, or undefined when the endpoint cannot estimate. */
  estimateSendSize(request: SendRequest, signal: AbortSignal): Promise<number | undefined>;

  /** Starts a send and returns its byte stream. Aborting the signal destroys the stream. */
  send(request: SendRequest, signal: AbortSignal): Promise<Readable>;

  /**
   * Receives a stream atomically: on success the snapshot `to` exists with `to.guid`; on any error
   * nothing new is visible (except a resume token where supported). Creates missing parents as
   * placeholders and never writes outside the receiver's root.
   */
  receive(request: ReceiveRequest, signal: AbortSignal): Promise<void>;

  /**
   * Optional: the replication cursors of every job but `jobId` on the served filesystems, per
   * filesystem (an endpoint that lists them in {@link Endpoint.listAll} need not have it). Pruners
   * protect the snapshots they mark; an endpoint without either is assumed to hold no other job's
   * cursors.
   */
  listForeignCursors?(jobId: string, signal: AbortSignal): Promise<Map<string, ForeignCursor[]>>;

  /** The replication cursor of each filesystem for a job: the newest version known replicated. */
  listReplicationCursors(jobId: string, signal: AbortSignal): Promise<Map<string, FilesystemVersion>>;

  /**
   * Moves a filesystem's replication cursor for a job to the given snapshot. `previous`, when the
   * caller knows it from its listing, is the cursor being replaced, so the endpoint need not look
   * it up.
   */
  setReplicationCursor(
    filesystem: string,
    version: FilesystemVersion,
    jobId: string,
    signal: AbortSignal,
    previous?: FilesystemVersion,
  ): Promise<void>;

  /** Places a user hold with the tag on a snapshot. */
  hold(filesystem: string, snapshot: string, tag: string, signal: AbortSignal): Promise<void>;

  /** Releases a user hold; releasing a hold that is not there is not an error. */
  release(filesystem: string, snapshot: string, tag: string, signal: AbortSignal): Promise<void>;

  /** Destroys snapshots of one filesystem, one result each; an empty list does nothing. */
  destroySnapshots(filesystem: string, snapshots: readonly string[], signal: AbortSignal): Promise<DestroyResult[]>;

  /** Creates a snapshot of the same name on each filesystem. */
  createSnapshots(filesystems: readonly string[], snapshot: string, signal: AbortSignal): Promise<void>;

  /**
   * Optional, a sender: where a resume token leads, read from the token itself (it works on a
   * stale token). A token comes from the receiver; a filtered sender reads it to refuse one that
   * names a filesystem it does not serve, and refuses every token when its endpoint lacks this.
   */
  describeResumeToken?(token: string, signal: AbortSignal): Promise<ResumeTokenTarget>;

  /**
   * Optional, a receiver: discards the partial receive of a filesystem (`zfs receive -A`), so that
   * a fresh send can replace a resume token that leads nowhere (its snapshot is gone, or it leads
   * elsewhere than the plan). Discarding where there is none is not an error.
   */
  abortPartialReceive?(filesystem: string, signal: AbortSignal): Promise<void>;
}
