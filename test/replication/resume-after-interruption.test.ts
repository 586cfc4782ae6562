import { describe, expect, it } from 'vitest';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

describe('a transfer interrupted in this run', () => {
  it('is resumed by the retry from the token the receiver kept, which the step knows to ask for (no state in the actor)', async () => {
    const src = createMemoryPool({ name: 'src', seed: 1 });
    const dst = createMemoryPool({ name: 'dst', seed: 2 });
    src.createFilesystem('tank/a');
    src.write('tank/a', 'f', 'x'.repeat(100_000));
    src.snapshot('tank/a', 's1');
    dst.createFilesystem('backup');
    // The first send stops after 20,000 bytes; the receiver keeps the partial stream and a token.
    src.faults.add({ call: 'send', filesystem: 'tank/a', effect: { type: 'truncate', afterBytes: 20_000 } });
    const job = createReplicationJob({
      name: 'j',
      sender: src.sender(),
      receiver: dst.receiver({ rootFs: 'backup' }),
      retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 },
    });
    const report = await job.runOnce();
    job.stop();
    const fs = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(report.last?.ok, JSON.stringify(fs)).toBe(true);
    expect(fs?.attempts).toBe(1);
    expect(fs?.completedSteps.map((s) => s.resumed)).toEqual([true]);
    expect(dst.versions('backup/tank/a').map((v) => v.name)).toEqual(['s1']);
  });
});
