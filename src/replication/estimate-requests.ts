import type { FilesystemVersion } from '../domain/version.js';
import type { EntryTable } from './entry-table.js';
import type { FilesystemEntry } from './filesystem-entry.js';

/** One size estimate to ask the sender for. */
export interface EstimateRequest {
  filesystem: string;
  stepIndex: number;
  from?: FilesystemVersion | undefined;
  to: FilesystemVersion;
}

/** The estimates a fresh plan asks for: every transfer still to send of the filesystems ready to start. */
export function estimateRequests(entries: readonly FilesystemEntry[]): EstimateRequest[] {
  const requests: EstimateRequest[] = [];
  for (const e of entries) {
    if (e.status !== 'ready') continue;
    e.steps.forEach((s, stepIndex) => {
      if (s.kind === 'transfer' && !s.done && !s.received) requests.push({ filesystem: e.path, stepIndex, from: s.from, to: s.to });
    });
  }
  return requests;
}

/** The entries with one step's estimate recorded (`bytes` undefined when the sender could not tell). */
export function recordEstimate(
  entries: EntryTable,
  indexOf: ReadonlyMap<string, number>,
  answer: { filesystem: string; stepIndex: number; bytes: number | undefined },
): EntryTable {
  const index = indexOf.get(answer.filesystem);
  const entry = index === undefined ? undefined : entries.get(index);
  if (index === undefined || !entry) return entries;
  const steps = entry.steps.map((s, i) => (i === answer.stepIndex ? { ...s, expectedBytes: answer.bytes } : s));
  return entries.with(index, { ...entry, steps });
}
