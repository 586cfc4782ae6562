import { describe, expect, it } from 'vitest';
import { main } from '../../examples/embed-memory/main.js';

describe('examples/embed-memory', () => {
  it('replicates the filtered filesystems with identical content and prunes the source', async () => {
    const { report, identical, sourceSnapshots } = await main({ snapshots: 4 });
    expect(report.last?.ok).toBe(true);
    expect(identical).toEqual({ 'tank/projects/web': true, 'tank/projects/db': true, 'tank/projects/cache': false });
    // not_replicated + last_n 2: the two newest replicated snapshots stay on the source.
    expect(sourceSnapshots['tank/projects/web']).toEqual(['snap_3', 'snap_4']);
    // The excluded filesystem is not the job's: nothing of it is pruned.
    expect(sourceSnapshots['tank/projects/cache']).toEqual(['snap_1', 'snap_2', 'snap_3', 'snap_4']);
  });
});
