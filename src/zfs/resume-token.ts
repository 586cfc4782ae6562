import { EndpointError } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';
import type { Transport } from '../transport/transport.js';
import { attemptZfs } from './command-runner.js';

/**
 * Where an OpenZFS `receive_resume_token` leads. The token is a compressed nvlist; `zfs send -nvt
 * TOKEN` prints it ("resume token contents:" and `nvlist_print`'s lines, a format stable since
 * OpenZFS 0.7) before it looks for the snapshot, so it reads a stale token too: the contents are
 * printed, then zfs fails. Read on either side: the receiver to know where its partial stream
 * leads, the sender to refuse a token (data from the receiver) that names what it does not serve.
 */
export interface ResumeTokenContents {
  /** The snapshot the interrupted stream sends, in the sender's namespace (`pool/fs@snap`). */
  toName: string;
  toGuid: bigint;
  /** The incremental base's guid; absent for a full stream. */
  fromGuid?: bigint | undefined;
  /** Bytes of the stream the receiver holds. */
  bytes: bigint;
}

/** The dataset-name characters and the `-` OpenZFS writes between the token's hex fields. */
const tokenPattern = /^[0-9a-zA-Z-]+$/;

/** `zfs send -nvt TOKEN`: prints the token's contents, sends nothing. */
export function describeResumeTokenArgs(token: string): string[] {
  if (!tokenPattern.test(token) || token.length > 1 << 20) {
    throw new EndpointError(`invalid resume token ${JSON.stringify(printableLine(token.slice(0, 40)))}`, { kind: 'invalid-name' });
  }
  return ['send', '-n', '-v', '-t', token];
}

/** `zfs receive -A <fs>`: discards a filesystem's partial receive (and a partial full receive's filesystem). */
export function abortReceiveArgs(filesystem: string): string[] {
  return ['receive', '-A', filesystem];
}

/**
 * Reads the contents `zfs send -nvt` printed, e.g.
 * ```
 * resume token contents:
 * nvlist version: 0
 * 	fromguid = 0x3f5a2b1c4d5e6f70
 * 	object = 0x1
 * 	offset = 0x0
 * 	bytes = 0x2d0
 * 	toguid = 0x79e9d6c25f1ad3a4
 * 	toname = pool/fs@snap
 * ```
 * Undefined when the text holds no such block, or the block lacks `toname`, `toguid` or `bytes`.
 */
export function parseResumeTokenContents(output: string): ResumeTokenContents | undefined {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'resume token contents:');
  if (start < 0) return undefined;
  const fields = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    if (/^nvlist version: \d+$/.test(line.trim())) continue;
    const m = /^\t([a-z_]+) = (.*)$/.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (m === null) break;
    if (m[1] !== undefined && m[2] !== undefined && !fields.has(m[1])) fields.set(m[1], m[2]);
  }
  const hex = (name: string): bigint | undefined => {
    const v = fields.get(name);
    return v !== undefined && /^0x[0-9a-f]{1,16}$/i.test(v) ? BigInt(v) : undefined;
  };
  const toName = fields.get('toname');
  const toGuid = hex('toguid');
  const bytes = hex('bytes');
  if (toName === undefined || !/^[^@\s]+@[^@\s]+$/.test(toName) || toGuid === undefined || bytes === undefined) return undefined;
  const fromGuid = hex('fromguid');
  return { toName, toGuid, bytes, ...(fromGuid !== undefined && fromGuid !== 0n ? { fromGuid } : {}) };
}

/** The filesystem part of a token's `toname`. */
export function resumeTokenFilesystem(contents: ResumeTokenContents): string {
  return contents.toName.slice(0, contents.toName.indexOf('@'));
}

/**
 * Runs `zfs send -nvt TOKEN` and reads where the token leads. zfs's exit status does not matter
 * (a stale token prints its contents and then fails); no contents in the output does: that is
 * `unexpected-output`, or zfs's own classified failure when it printed none because it failed.
 */
export async function describeResumeToken(transport: Transport, token: string, signal: AbortSignal, dataset?: string): Promise<ResumeTokenContents> {
  const args = describeResumeTokenArgs(token);
  const attempt = await attemptZfs(transport, args, { signal, dataset, maxOutputBytes: 1 << 20 });
  if (!attempt.ok && (attempt.error.kind === 'aborted' || attempt.error.kind === 'connection-lost' || attempt.error.kind === 'killed' || attempt.error.kind === 'zfs-not-found')) {
    throw attempt.error;
  }
  // OpenZFS 2.x prints a dry run's contents on stdout, older releases on stderr.
  const contents = parseResumeTokenContents(`${attempt.stdout}\n${attempt.stderr}`);
  if (contents !== undefined) return contents;
  if (!attempt.ok) throw attempt.error;
  throw new EndpointError(`\`zfs send -nvt\` printed no resume token contents`, { kind: 'unexpected-output', command: ['zfs', ...args.slice(0, 4)], dataset });
}

/** Token decodes run at most this many at a time: a side rarely holds more than a few tokens. */
const DECODE_CONCURRENCY = 4;

/**
 * Fills `resumeTokenGuid` and `resumeTokenFromGuid` of every listed filesystem with a resume token,
 * by decoding the token with this side's zfs. A token zfs cannot read keeps neither: planning then
 * treats it as leading nowhere known, and the sender's own check decides.
 */
export async function withResumeTargets<T extends { path: string; resumeToken?: string | undefined; resumeTokenGuid?: bigint | undefined; resumeTokenFromGuid?: bigint | undefined }>(
  transport: Transport,
  infos: T[],
  signal: AbortSignal,
): Promise<T[]> {
  const pending = infos.filter((i) => i.resumeToken !== undefined && i.resumeTokenGuid === undefined);
  for (let i = 0; i < pending.length; i += DECODE_CONCURRENCY) {
    await Promise.all(
      pending.slice(i, i + DECODE_CONCURRENCY).map(async (info) => {
        try {
          const contents = await describeResumeToken(transport, info.resumeToken ?? '', signal, info.path);
          info.resumeTokenGuid = contents.toGuid;
          if (contents.fromGuid !== undefined) info.resumeTokenFromGuid = contents.fromGuid;
        } catch (err) {
          // A listing must not fail over one unreadable token, but an abort or a lost connection ends it.
          if (err instanceof EndpointError && (err.kind === 'aborted' || err.kind === 'connection-lost' || err.kind === 'zfs-not-found')) throw err;
        }
      }),
    );
  }
  return infos;
}
