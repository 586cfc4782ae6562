/**
 * How a filesystem machine tells the replication machine that its first replication is on the
 * receiver: its full send was received. The queue's parent-first rule (src/replication/parent-first.ts)
 * then lets the filesystem's children start their own first replications, while this one goes on
 * with its incremental steps. A machine run on its own, with no parent, sends nothing.
 */
export interface InitialReceivedEvent {
  type: 'filesystem.initialReceived';
  path: string;
}
