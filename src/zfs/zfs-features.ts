import { EndpointError } from '../domain/errors.js';

/**
 * What one zfs binary supports, read from its usage text. `zfs` run without arguments prints the
 * usage of every subcommand (OpenZFS and zfs-fuse alike, exit code 2), so one cheap process that
 * touches no pool answers every question; no dry run on a real dataset is needed.
 */
export interface ZfsFeatures {
  /** `send -n -v -P`: parsable size estimates. */
  sendEstimate: boolean;
  /** `zfs bookmark` and `-t bookmark`. */
  bookmarks: boolean;
  /** `receive -s` with `send -t <token>`: resumable receive and the `receive_resume_token` property. */
  resumableReceive: boolean;
  /** `zfs hold` and `zfs release`. */
  holds: boolean;
  /** `zfs holds -H`: parsable hold lists (zfs-fuse lists `holds` but it is broken and lacks -H). */
  holdsList: boolean;
  /** `zfs destroy fs@a,b,c`. */
  destroyCommaList: boolean;
  /** `zfs snapshot fs1@s fs2@s` in one call (atomic). */
  multiSnapshot: boolean;
  /** `zfs get -t type`: filter types in a get (zfs-fuse lacks it). */
  getTypeFilter: boolean;
  /** `receive -o property=value`: set a property on the received filesystem (OpenZFS; zfs-fuse lacks it). */
  receiveProperties: boolean;
  /** `receive -x property`: the received filesystem inherits the property (OpenZFS). */
  receiveExclude: boolean;
  /** `send -w`: raw sends, and with them native encryption (OpenZFS). */
  sendRaw: boolean;
  /** `send -c`: compressed streams. */
  sendCompressed: boolean;
  /** `send -L`: large blocks. */
  sendLargeBlocks: boolean;
  /** `send -e`: embedded data. */
  sendEmbeddedData: boolean;
  /** `send -p`: properties in the stream (zfs-fuse has it too). */
  sendProperties: boolean;
  /** `send -b`: received property values only. */
  sendBackupProperties: boolean;
}

/** One subcommand's usage entries, continuation lines joined. */
export type UsageEntries = Map<string, string[]>;

/**
 * Splits usage text into entries per subcommand. An entry starts with a tab and the subcommand's
 * name; deeper-indented lines continue it.
 */
export function parseUsageEntries(usage: string): UsageEntries {
  const entries: UsageEntries = new Map();
  let current: { command: string; index: number } | undefined;
  for (const raw of usage.split('\n')) {
    const start = /^\t([a-z][a-z-]*)(?:\s|$)/.exec(raw);
    if (start?.[1] !== undefined) {
      const list = entries.get(start[1]) ?? [];
      list.push(raw.trim());
      entries.set(start[1], list);
      current = { command: start[1], index: list.length - 1 };
      continue;
    }
    if (current !== undefined && /^(?:\t| {2,})\s+\S/.test(raw)) {
      const list = entries.get(current.command);
      if (list !== undefined) list[current.index] = `${list[current.index] ?? ''} ${raw.trim()}`;
      continue;
    }
    current = undefined;
  }
  return entries;
}

/** The single-letter flags an entry lists in its `[-abc]` groups. */
function flagsOf(entry: string): Set<string> {
  const flags = new Set<string>();
  for (const m of entry.matchAll(/\[-([A-Za-z]+)\]/g)) for (const ch of m[1] ?? '') flags.add(ch);
  for (const m of entry.matchAll(/(?:^|\s|\[)-([A-Za-z])\b/g)) if (m[1] !== undefined) flags.add(m[1]);
  return flags;
}

function anyEntry(entries: UsageEntries, command: string, test: (entry: string) => boolean): boolean {
  return (entries.get(command) ?? []).some(test);
}

/** The features a zfs usage text shows. Throws `unexpected-output` when it is no zfs usage at all. */
export function featuresFromUsage(usage: string, command: readonly string[]): ZfsFeatures {
  const entries = parseUsageEntries(usage);
  if (!entries.has('send') || !entries.has('receive') || !entries.has('destroy')) {
    const firstLine = usage.trim().split('\n')[0] ?? '';
    throw new EndpointError(`\`${command.join(' ')}\` printed no zfs usage text with send, receive and destroy: ${JSON.stringify(firstLine)}`, {
      kind: 'unexpected-output',
      command,
      stderr: usage,
    });
  }
  const sendFlags = (entries.get('send') ?? []).map(flagsOf);
  const receiveFlags = (entries.get('receive') ?? []).map(flagsOf);
  return {
    sendEstimate: sendFlags.some((f) => f.has('n') && f.has('P') && f.has('v')),
    bookmarks: entries.has('bookmark'),
    resumableReceive: receiveFlags.some((f) => f.has('s')) && anyEntry(entries, 'send', (e) => /-t\s+<?receive_resume_token/.test(e)),
    holds: entries.has('hold') && entries.has('release'),
    holdsList: anyEntry(entries, 'holds', (e) => flagsOf(e).has('H')),
    destroyCommaList: anyEntry(entries, 'destroy', (e) => e.includes('@') && e.includes('[,...]')),
    multiSnapshot: anyEntry(entries, 'snapshot', (e) => /@\S*\s+\.\.\.\s*$/.test(e)),
    getTypeFilter: anyEntry(entries, 'get', (e) => /-t\s+type/.test(e)),
    receiveProperties: anyEntry(entries, 'receive', (e) => /\[-o\s+<?property>?=/.test(e)),
    receiveExclude: anyEntry(entries, 'receive', (e) => /\[-x\s+<?property>?\]/.test(e)),
    sendRaw: sendFlags.some((f) => f.has('w')),
    sendCompressed: sendFlags.some((f) => f.has('c')),
    sendLargeBlocks: sendFlags.some((f) => f.has('L')),
    sendEmbeddedData: sendFlags.some((f) => f.has('e')),
    sendProperties: sendFlags.some((f) => f.has('p')),
    sendBackupProperties: sendFlags.some((f) => f.has('b')),
  };
}
