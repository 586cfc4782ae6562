/** The inspection-overhead benchmark's harness at a tiny size: both jobs run every round and the observer sees events. */
import { describe, expect, it } from 'vitest';
import { describeInspectOverhead, runInspectOverheadBenchmark } from '../../bench/inspect-overhead.js';

describe('inspection overhead benchmark harness', () => {
  it('runs both jobs each round, and only the inspected one feeds the observer', async () => {
    const result = await runInspectOverheadBenchmark({ filesystems: 5, snapshots: 2, rounds: 3 });
    expect(result.plainMs).toHaveLength(3);
    expect(result.inspectedMs).toHaveLength(3);
    expect(result.inspectionEvents).toBeGreaterThan(0);
    expect(describeInspectOverhead(result)).toContain('no-op `inspect` observer');
  });
});
