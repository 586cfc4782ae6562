/**
 * How a filesystem machine gives back its replication slot early: once its last step is on the
 * receiver, what is left (moving the sender's cursor) needs no stream, so the replication machine
 * may start the next filesystem's transfer meanwhile. The cursor move of one filesystem then runs
 * while the next one streams, as two processes of a shell pipeline would; `concurrency` still
 * bounds the transfers. The replication machine registers under this system id; a filesystem
 * machine running without it (in a test) keeps its slot to the end.
 */
export const REPLICATION_SLOTS_ID = 'xrepl.replication';

/** Sent by a filesystem machine when its last step is received and only the cursor move remains. */
export interface SlotReleasedEvent {
  type: 'filesystem.transferred';
  path: string;
}
