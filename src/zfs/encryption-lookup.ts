import { getRows } from './listing.js';
import type { PropertyRow } from './property-rows.js';
import type { ZfsContext } from './zfs-context.js';

/** Which filesystems use native encryption, looked up for many sends at the cost of one `zfs get`. */
export interface EncryptionLookup {
  /** Whether the filesystem is encrypted (its `encryption` is not `off`). */
  isEncrypted(filesystem: string, signal: AbortSignal): Promise<boolean>;
  /** Drops what was looked up (a new listing may show re-created filesystems). */
  forget(): void;
}

function encryptedByName(rows: readonly PropertyRow[]): Map<string, boolean> {
  return new Map(rows.filter((r) => r.property === 'encryption').map((r) => [r.name, r.value !== 'off' && r.value !== '-']));
}

/**
 * The first question reads `encryption` of every filesystem under the context's roots in one
 * `zfs get -r`; later ones are answered from it, and a filesystem it did not show (created since)
 * is asked for alone. Asking per send would cost a process per step.
 */
export function createEncryptionLookup(ctx: ZfsContext): EncryptionLookup {
  let all: Promise<Map<string, boolean>> | undefined;
  return {
    async isEncrypted(filesystem, signal) {
      const types = (await ctx.features(signal)).getTypeFilter ? ['filesystem', 'volume'] : undefined;
      const started = (all ??= getRows(ctx, { properties: ['encryption'], roots: ctx.roots, depth: 'recursive', withSource: false, types }, signal).then(encryptedByName));
      let known: Map<string, boolean>;
      try {
        known = await started;
      } catch (err) {
        if (all === started) all = undefined;
        throw err;
      }
      const answer = known.get(filesystem);
      if (answer !== undefined) return answer;
      const alone = encryptedByName(await getRows(ctx, { properties: ['encryption'], roots: [filesystem], depth: 0, withSource: false }, signal));
      return alone.get(filesystem) ?? false;
    },
    forget() {
      all = undefined;
    },
  };
}
