import { parentFilesystem } from '../domain/dataset-name.js';
import type { FilesystemEntry } from './filesystem-entry.js';

/** Entries by index and indices by path, as the queue's parent-first rule reads them. */
export interface EntryIndex {
  get(index: number): FilesystemEntry | undefined;
}

/**
 * True while a filesystem's first replication is not on the receiver: it still has a full send to
 * receive (a step without a base) and may yet run it.
 */
export function awaitsInitialReplication(entry: FilesystemEntry | undefined): boolean {
  if (entry === undefined) return false;
  if (entry.status !== 'ready' && entry.status !== 'active' && entry.status !== 'retryWait') return false;
  return entry.steps.some((s) => s.kind === 'transfer' && s.from === undefined && !s.received);
}

/**
 * The parent-first rule of first replications: a filesystem whose next transfer is a full send
 * waits while one of its ancestors in this run awaits its own first replication. Received together,
 * the child's full receive would create the parent on the receiver (as a placeholder) under the
 * parent's own receive, which then fails and waits for a retry; run parent first, both succeed on
 * their first attempt, on every endpoint. An ancestor that failed for good or has nothing to send
 * blocks nothing: the child is received under a placeholder.
 *
 * Returns the index of the nearest such ancestor, or undefined when the entry may start.
 */
export function initialReplicationBlocker(
  entries: EntryIndex,
  indexOf: ReadonlyMap<string, number>,
  index: number,
): number | undefined {
  const entry = entries.get(index);
  if (!awaitsInitialReplication(entry) || entry === undefined) return undefined;
  for (let p = parentFilesystem(entry.path); p !== undefined; p = parentFilesystem(p)) {
    const ancestor = indexOf.get(p);
    if (ancestor !== undefined && awaitsInitialReplication(entries.get(ancestor))) return ancestor;
  }
  return undefined;
}
