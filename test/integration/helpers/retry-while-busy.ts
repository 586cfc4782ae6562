import { expect } from 'vitest';
import { EndpointError } from '../../../src/domain/errors.js';

/**
 * Runs `attempt` as the engine would rerun a step: a transient `dataset-busy` (zfs-fuse still
 * tearing down a killed receive under the placeholder, seen in CI) is retried after a short wait,
 * up to ten times; anything else fails at once.
 */
export const retryWhileBusy = async (attempt: () => Promise<void>): Promise<void> => {
  for (let n = 1; ; n++) {
    const error = await attempt().then(() => undefined, (e: unknown) => e);
    if (error === undefined) return;
    if (!(error instanceof EndpointError) || error.kind !== 'dataset-busy' || n >= 10) throw error;
    expect(error.errorClass).toBe('transient');
    await new Promise((r) => setTimeout(r, 500));
  }
};
