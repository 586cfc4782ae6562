/** The live-view benchmark's harness at a tiny size: both jobs run every round and only the watched one streams. */
import { describe, expect, it } from 'vitest';
import { describeLiveViewOverhead, runLiveViewOverheadBenchmark } from '../../bench/live-view-overhead.js';

describe('live view overhead benchmark harness', () => {
  it('runs both jobs each round and counts the watched job\'s messages', async () => {
    const result = await runLiveViewOverheadBenchmark({ filesystems: 5, snapshots: 2, rounds: 3 });
    expect(result.plainMs).toHaveLength(3);
    expect(result.watchedMs).toHaveLength(3);
    expect(result.stateMessages).toBeGreaterThan(3 * 5);
    expect(result.reportMessages).toBeGreaterThan(0);
    expect(result.svgBytes).toBeGreaterThan(10_000);
    expect(describeLiveViewOverhead(result)).toContain('live feed attached');
  });
});
