import type { FilesystemVersion } from '../domain/version.js';
import { parseEpochSeconds, parseUint64, splitDatasetName } from './parse-versions.js';
import { outputLines, unexpectedOutput } from './unexpected-output.js';

/** A bookmark as `zfs list -H -p -t bookmark -o name,guid,createtxg,creation` prints it. */
export interface ListedBookmark {
  filesystem: string;
  version: FilesystemVersion;
}

/**
 * Parses `zfs list -H -p -t bookmark -o name,guid,createtxg,creation` (OpenZFS). The three
 * numeric columns are taken from the right, so a name with spaces or tabs stays whole.
 */
export function parseBookmarkList(stdout: string, command: readonly string[]): ListedBookmark[] {
  const result: ListedBookmark[] = [];
  for (const line of outputLines(stdout)) {
    const fields = line.split('\t');
    if (fields.length < 4) throw unexpectedOutput(command, line, 'expected 4 tab-separated columns: name, guid, createtxg, creation');
    const creation = fields.pop() ?? '';
    const txg = fields.pop() ?? '';
    const guid = fields.pop() ?? '';
    const name = fields.join('\t');
    const split = splitDatasetName(name);
    if (split.type !== 'bookmark' || split.version === undefined) throw unexpectedOutput(command, line, 'not a bookmark name (fs#name)');
    result.push({
      filesystem: split.filesystem,
      version: {
        type: 'bookmark',
        name: split.version,
        guid: parseUint64(guid, command, line),
        createTxg: parseUint64(txg, command, line),
        creation: parseEpochSeconds(creation, command, line),
      },
    });
  }
  return result;
}
