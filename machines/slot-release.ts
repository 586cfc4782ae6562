/**
 * How a filesystem machine gives back its replication slot early: once its last step is on the
 * receiver, what is left (moving the sender's cursor) needs no stream, so the replication machine
 * may start the next filesystem's transfer meanwhile. The cursor move of one filesystem then runs
 * while the next one streams, as two processes of a shell pipeline would; `concurrency` still
 * bounds the transfers. The filesystem machine tells its parent (`sendParent`); one running on its
 * own, with no parent, keeps its slot to the end, which changes nothing it does.
 */
export interface SlotReleasedEvent {
  type: 'filesystem.transferred';
  path: string;
}
