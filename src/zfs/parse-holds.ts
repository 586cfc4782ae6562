import { outputLines, unexpectedOutput } from './unexpected-output.js';

/** One user hold, as `zfs holds -H` lists it. */
export interface ListedHold {
  snapshot: string;
  tag: string;
  /** When the hold was placed, as zfs printed it (a local date, or epoch seconds with `-p`). */
  timestamp: string;
}

/**
 * Parses `zfs holds -H` (OpenZFS): `<snapshot>\t<tag>\t<timestamp>` per hold. The timestamp is
 * the last column and the tag the one before; the snapshot name is the rest (it may hold spaces).
 */
export function parseHolds(stdout: string, command: readonly string[]): ListedHold[] {
  const result: ListedHold[] = [];
  for (const line of outputLines(stdout)) {
    const fields = line.split('\t');
    if (fields.length < 3) throw unexpectedOutput(command, line, 'expected 3 tab-separated columns: snapshot, tag, timestamp');
    const timestamp = fields.pop() ?? '';
    const tag = fields.pop() ?? '';
    const snapshot = fields.join('\t');
    if (!snapshot.includes('@') || tag.length === 0) throw unexpectedOutput(command, line, 'expected a snapshot name and a tag');
    result.push({ snapshot, tag, timestamp });
  }
  return result;
}
