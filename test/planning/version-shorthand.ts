import type { FilesystemVersion } from '../../src/domain/version.js';

/**
 * Builds version lists from a compact shorthand, one token per version: `@a,1` is snapshot `a`
 * and `#a,1` bookmark `a`, both with guid and createTxg 1 (creation 1 s after the epoch). A third
 * field overrides the guid where a test needs guid and txg to differ: `@a,5,9`.
 */
export function versions(spec: string): FilesystemVersion[] {
  return spec
    .split(/\s+/)
    .filter((token) => token.length > 0)
    .map((token) => {
      const match = /^([@#])([^,]+),(\d+)(?:,(\d+))?$/.exec(token);
      if (!match) throw new Error(`bad version shorthand ${JSON.stringify(token)}`);
      const [, sep, name, txg, guid] = match as unknown as [string, string, string, string, string | undefined];
      return {
        type: sep === '@' ? 'snapshot' : 'bookmark',
        name,
        guid: BigInt(guid ?? txg),
        createTxg: BigInt(txg),
        creation: new Date(Number(txg) * 1000),
      } satisfies FilesystemVersion;
    });
}

/** One version from the shorthand. */
export function version(token: string): FilesystemVersion {
  const [only] = versions(token);
  if (!only) throw new Error(`bad version shorthand ${JSON.stringify(token)}`);
  return only;
}
