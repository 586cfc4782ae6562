/** A snapshot as the keep rules see it: its name (without `fs@`), creation date, and replication state. */
export interface PruneSnapshot {
  name: string;
  date: Date;
  /**
   * True once the snapshot is at or before the replication cursor (the receiver has it). The
   * `not_replicated` rule keeps every snapshot where this is false.
   */
  replicated: boolean;
}

/**
 * One keep rule: given a filesystem's snapshots, it names those it would destroy. A rule never
 * mutates its input and returns only elements of it, oldest first.
 */
export interface KeepRule {
  destroyList<T extends PruneSnapshot>(snaps: readonly T[]): T[];
}
