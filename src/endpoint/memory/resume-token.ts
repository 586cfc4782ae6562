/**
 * The memory pool's resume token: like ZFS's `receive_resume_token`, an opaque string that tells
 * the sender which stream to regenerate and from which byte offset to continue it.
 */

/** What a resume token identifies. */
export interface ResumePoint {
  toGuid: bigint;
  /** 0n for a full stream. */
  fromGuid: bigint;
  toName: string;
  /** Bytes of the original stream the receiver already holds. */
  offset: number;
}

const TOKEN_PREFIX = 'xrepl-mem-1-';

/** Encodes a resume point as an opaque token string. */
export function encodeResumeToken(point: ResumePoint): string {
  const json = JSON.stringify({ t: point.toGuid.toString(16), f: point.fromGuid.toString(16), n: point.toName, o: point.offset });
  return TOKEN_PREFIX + Buffer.from(json, 'utf8').toString('base64url');
}

/** Decodes a token made by {@link encodeResumeToken}, or returns undefined for anything else. */
export function decodeResumeToken(token: string): ResumePoint | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { t, f, n, o } = value as Record<string, unknown>;
    if (typeof t !== 'string' || typeof f !== 'string' || typeof n !== 'string' || typeof o !== 'number') return undefined;
    if (!/^[0-9a-f]{1,16}$/.test(t) || !/^[0-9a-f]{1,16}$/.test(f) || !Number.isSafeInteger(o) || o < 0) return undefined;
    return { toGuid: BigInt(`0x${t}`), fromGuid: BigInt(`0x${f}`), toName: n, offset: o };
  } catch {
    return undefined;
  }
}
