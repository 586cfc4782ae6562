import type { FilesystemVersion } from '../domain/version.js';
import type { FilesystemEntry } from '../replication/filesystem-entry.js';

/**
 * Per filesystem, the newest snapshot a replication run put on the receiver (or found there, for a
 * cursor-only step): the last of its steps marked received. Steps are received in order, so the
 * last received one is the newest. A run the watchdog cancelled reports the steps its transfers
 * had received, so this holds even where the cursor never moved.
 */
export function receivedByFilesystem(filesystems: readonly FilesystemEntry[] | undefined): Map<string, FilesystemVersion> {
  const out = new Map<string, FilesystemVersion>();
  for (const entry of filesystems ?? []) {
    let newest: FilesystemVersion | undefined;
    for (const step of entry.steps) if (step.received) newest = step.to;
    if (newest !== undefined) out.set(entry.path, newest);
  }
  return out;
}
