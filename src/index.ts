/**
 * xrepl: ZFS snapshot replication and pruning, with the engine declared as XState v5 statecharts.
 *
 * This module re-exports the public API; each concept lives in its own file.
 */

// Domain
export type { FilesystemVersion, ListedVersion, VersionType } from './domain/version.js';
export { compareVersions, versionFullName, describeVersion } from './domain/version.js';
export { ConfigError, EndpointError, errorClassOf } from './domain/errors.js';
export type { EndpointErrorKind, EndpointErrorOptions, ErrorClass } from './domain/errors.js';
export {
  assertDatasetName,
  datasetNameProblem,
  isValidDatasetName,
  InvalidDatasetNameError,
  MAX_DATASET_NAME_LENGTH,
} from './domain/dataset-name.js';
export type { DatasetNameKind } from './domain/dataset-name.js';

// Planning
export { incrementalPath } from './planning/incremental-path.js';
export type { IncrementalPathResult } from './planning/incremental-path.js';
export type {
  Conflict,
  ConflictKind,
  DivergedConflict,
  MostRecentAlreadyPresentConflict,
  NoCommonAncestorConflict,
  NoSenderSnapshotsConflict,
} from './planning/conflict.js';
export { initialReplicationPath } from './planning/initial-replication-path.js';

// Pruning
export type { KeepRule, PruneSnapshot } from './pruning/keep-rule.js';
export { keepRulesFromConfig } from './pruning/keep-rules-from-config.js';
export { keepRuleSchema } from './pruning/keep-rule-schema.js';
export type { KeepRuleConfig, KeepRuleType } from './pruning/keep-rule-schema.js';
export { pruneSnapshots } from './pruning/prune-snapshots.js';
export { planPruneSide } from './pruner/plan-prune-side.js';
export type { PruneFilesystemPlan, PruneListing, PruneSide, ProtectedSnapshot } from './pruner/plan-prune-side.js';
export { parseDuration } from './config/duration.js';

// Filters
export { filesystemFilter } from './filter/filesystem-filter.js';
export type { FilesystemFilter, FilesystemFilterOptions } from './filter/filesystem-filter.js';

// Endpoints
export type {
  DestroyResult,
  Endpoint,
  EndpointCapabilities,
  EndpointListing,
  FilesystemInfo,
  ForeignCursor,
  ReceiveRequest,
  ResumeTokenTarget,
  SendRequest,
} from './endpoint/endpoint.js';
export { cursorBookmarkName, parseCursorBookmarkName, cursorPropertyName, PLACEHOLDER_PROPERTY } from './endpoint/cursor.js';
export { filteredSender } from './endpoint/filtered-sender.js';
export type { FilesystemMatcher } from './endpoint/filtered-sender.js';
export { rootedReceiver } from './endpoint/rooted-receiver.js';
export type { RootedReceiverOptions } from './endpoint/rooted-receiver.js';
export { createMemoryPool, MemoryPool, ALL_CAPABILITIES, ZFS_FUSE_CAPABILITIES } from './endpoint/memory/memory-pool.js';
export type { MemoryPoolOptions, MemorySenderOptions, FileData } from './endpoint/memory/memory-pool.js';
export type { FaultSpec, FaultEffect, EndpointMethod } from './endpoint/memory/faults.js';

// Engine
export { createReplicationJob, provideEngineMachines, DEFAULT_WATCHDOG_TIMEOUT_MS } from './runner/create-replication-job.js';
export type { EngineMachines } from './runner/create-replication-job.js';
export type { JobActor, ReplicationJob } from './runner/replication-job.js';
export type { EndpointPair } from './actors/endpoint-pair.js';
export type { ReplicationJobOptions, RetryPolicy, InitialReplicationPolicy, JobClock } from './runner/job-options.js';
export { buildJobReport } from './report/build-job-report.js';
export type * from './report/job-report.js';
export { jobMachine, replicationMachine, filesystemMachine, prunerMachine } from '../machines/index.js';
export { snapshotterMachine } from '../machines/index.js';
export type { FilesystemMachine, InvocationFinishedEvent, JobMachine, PrunerMachine, ReplicationMachine } from '../machines/index.js';
export type { SnapshotterInput, SnapshotsTakenEvent } from '../machines/index.js';

// Real ZFS
export { createZfsEndpoint, createRawZfsEndpoint } from './endpoint/zfs-endpoint.js';
export type { ZfsEndpointOptions, RawZfsEndpointOptions, RawZfsEndpoint } from './endpoint/zfs-endpoint.js';
export { createLocalTransport } from './transport/local-transport.js';
export type { LocalTransportOptions } from './transport/local-transport.js';
export { createSshTransport } from './transport/ssh-transport.js';
export type { SshTransportOptions } from './transport/ssh-transport.js';
export type { Transport, SpawnCommand } from './transport/transport.js';
export { quoteShellArgument, quoteShellCommand } from './transport/shell-quote.js';
export { snapshotName, parseSnapshotName } from './endpoint/snapshot-name.js';

// Snapshotter, daemon, control socket, inspector
export { createSnapshotter } from './snapshotter/create-snapshotter.js';
export type { SnapshotterOptions } from './snapshotter/create-snapshotter.js';
export { findSyncPoint } from './snapshotter/sync-point.js';
export { startDaemon } from './daemon/daemon.js';
export type { Daemon, DaemonOptions } from './daemon/daemon.js';
export type { DaemonJobSpec, DaemonSnapshotting } from './daemon/daemon-job.js';
export { sendControlRequest, connectControlSocket } from './control/control-client.js';
export type { ControlRequest, ControlResponse, DaemonJobReport } from './control/control-protocol.js';
export { defaultControlSocketPath } from './control/default-socket-path.js';
export { createJobInspector } from './inspect/job-inspector.js';
export type { JobInspector } from './inspect/job-inspector.js';

// Live view: the statecharts in a browser, and the stream of state values behind it
export { startLiveView } from './live-view/start-live-view.js';
export type { StartLiveViewOptions } from './live-view/start-live-view.js';
export { startLiveViewServer } from './live-view/live-view-server.js';
export type { LiveViewServer, LiveViewServerOptions } from './live-view/live-view-server.js';
export { createLiveFeed } from './live-view/live-feed.js';
export type { LiveFeed, LiveJob } from './live-view/live-feed.js';
export { observeActorStates, actorStates } from './live-view/actor-states.js';
export type { ActorState } from './live-view/actor-states.js';
export { applyLiveMessage } from './live-view/live-messages.js';
export type { LiveMessage, LiveHello, LiveJobState } from './live-view/live-messages.js';
