import { describe, expect, it } from 'vitest';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

describe('a sender that serves nothing', () => {
  it('fails the job (a filter that matches no filesystem) instead of completing it', async () => {
    const src = createMemoryPool({ name: 'src' });
    const dst = createMemoryPool({ name: 'dst' });
    src.createFilesystem('tank/data');
    src.snapshot('tank/data', 's1');
    dst.createFilesystem('backup');
    const job = createReplicationJob({
      name: 'typo',
      sender: src.sender({ filter: filesystemFilter({ 'tank/dta<': true }) }),
      receiver: dst.receiver({ rootFs: 'backup' }),
    });
    const report = await job.runOnce();
    job.stop();
    expect(report.last?.ok).toBe(false);
    expect(report.last?.replication?.state).toBe('permanentError');
    expect(report.last?.replication?.problem?.message).toMatch(/serves no filesystem/);
  });
});
