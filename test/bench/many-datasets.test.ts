/** The many-datasets benchmark's harness on tiny real pools: every tool replicates, and the wrapper counts zfs processes. */
import { expect, it } from 'vitest';
import { describeManyDatasets, runManyDatasetsBenchmark } from '../../bench/many-datasets.js';
import { describeWithZfs } from '../integration/helpers/real-zfs.js';

describeWithZfs('many datasets benchmark harness on zfs-fuse', () => {
  it('runs xrepl, syncoid (when installed) and the floor through all three phases, counting zfs processes', async () => {
    const result = await runManyDatasetsBenchmark({ children: 2, snapshots: 2, kibPerDataset: 16, rounds: 2, concurrency: 1, cli: false, syncoid: true });
    // The floor is one send and one receive per dataset, and two listings when there is nothing to do.
    expect(result.zfsCalls.floor).toEqual({ initial: 6, incremental: 6, 'nothing to do': 2 });
    expect(result.zfsCalls['xrepl library'].incremental).toBeGreaterThanOrEqual(6);
    expect(result.ms['xrepl library']['nothing to do']).toHaveLength(1);
    if (result.options.syncoid) expect(result.ms.syncoid.incremental).toHaveLength(1);
    expect(describeManyDatasets(result)).toContain('zfs processes');
  }, 300_000);
});
