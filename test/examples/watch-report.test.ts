import { describe, expect, it } from 'vitest';
import { main } from '../../examples/watch-report/main.js';

describe('examples/watch-report', () => {
  it('sees the job replicate, the transient failure retried, bytes moving, and both filesystems complete', async () => {
    const { lines, report } = await main({ chunkDelayMs: 5, retryDelayMs: 50 });
    expect(report.last?.ok).toBe(true);
    expect(lines).toContain('job watched: replicating');
    // The retry wait itself may pass between two reports; the problem stays visible until it completes.
    expect(lines.some((l) => /^tank\/music: (retryWait|ready|active) \(transient injected\)$/.test(l))).toBe(true);
    expect(lines).toContain('tank/music: completed');
    expect(lines).toContain('tank/photos: completed');
    expect(lines.some((l) => /^tank\/photos: \d+ of \d+ bytes$/.test(l))).toBe(true);
  });
});
