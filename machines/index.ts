/** The statecharts, as pure declarations; inject endpoints with `.provide({ actors })`. */
export { filesystemMachine } from './filesystem.js';
export type { FilesystemMachine, FilesystemMachineInput, FilesystemMachineOutput, TransferInput, TransferProgressEvent, SetCursorInput } from './filesystem.js';
export { replicationMachine, filesystemChildId } from './replication.js';
export type { ReplicationMachine, ReplicationMachineInput, ReplicationMachineOutput, EstimateReportedEvent, EstimateSendSizesInput, EstimateRequest } from './replication.js';
export { prunerMachine } from './pruner.js';
export type { PrunerMachine, PrunerMachineInput, PrunerMachineOutput, DestroyReportedEvent, DestroySnapshotsInput } from './pruner.js';
export { jobMachine } from './job.js';
export type { JobMachine, JobMachineInput, JobEvent, Invocation, InvocationFinishedEvent, WatchdogCancellation } from './job.js';
export { ERROR_TAG, WAIT_TAG, madeProgress, NO_PROGRESS } from './progress.js';
export type { ProgressMadeEvent, ProgressRecord, ProgressContext } from './progress.js';
export type { SlotReleasedEvent } from './slot-release.js';
export type { InitialReceivedEvent } from './initial-received.js';
export { snapshotterMachine } from './snapshotter.js';
export type { SnapshotterInput, SnapshotsTakenEvent } from './snapshotter.js';
