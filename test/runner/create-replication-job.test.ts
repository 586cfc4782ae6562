import { describe, expect, it } from 'vitest';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

function pools() {
  const src = createMemoryPool({ name: 'src', seed: 1 });
  const dst = createMemoryPool({ name: 'dst', seed: 2 });
  src.createFilesystem('tank/data/a');
  src.createFilesystem('tank/data/b');
  for (const fs of ['tank/data', 'tank/data/a', 'tank/data/b']) {
    src.write(fs, 'file', `content of ${fs} 1`);
    src.snapshot(fs, 's1');
    src.write(fs, 'file', `content of ${fs} 2`);
    src.snapshot(fs, 's2');
  }
  dst.createFilesystem('backup');
  return { src, dst };
}

describe('createReplicationJob', () => {
  it("emits invocation.finished on its typed actor when an invocation ends, and runOnce resolves with that invocation's report", async () => {
    const { src, dst } = pools();
    const job = createReplicationJob({ name: 'emits', sender: src.sender(), receiver: dst.receiver({ rootFs: 'backup' }) });
    const finished: { number: number; ok: boolean; replicated: string[] }[] = [];
    const sub = job.actor.on('invocation.finished', ({ invocation }) => {
      finished.push({
        number: invocation.number,
        ok: invocation.replication?.state === 'completed',
        replicated: (invocation.replication?.filesystems ?? []).filter((f) => f.status === 'completed').map((f) => f.path),
      });
    });
    const first = await job.runOnce();
    const second = await job.runOnce();
    sub.unsubscribe();
    // Typed from the machine: the context is the job's, no cast.
    expect(job.actor.getSnapshot().context.jobId).toBe('emits');
    expect(finished.map((f) => [f.number, f.ok])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(finished[0]?.replicated).toEqual(['tank/data', 'tank/data/a', 'tank/data/b']);
    expect([first.last?.number, second.last?.number]).toEqual([1, 2]);
    job.stop();
  });

  it('runOnce rejects, naming the job and the invocation, when the job is stopped before the invocation ends', async () => {
    const { src, dst } = pools();
    src.faults.add({ call: 'send', effect: { type: 'hang' } });
    const job = createReplicationJob({ name: 'stopped', sender: src.sender(), receiver: dst.receiver({ rootFs: 'backup' }) });
    const run = job.runOnce();
    setTimeout(() => job.stop(), 20);
    await expect(run).rejects.toThrow('job "stopped" stopped before invocation 1 finished');
  });

  it('replicates every filesystem full then incrementally, and a second run has nothing to do', async () => {
    const { src, dst } = pools();
    const job = createReplicationJob({
      name: 'test',
      sender: src.sender({ filter: filesystemFilter({ 'tank/data<': true }) }),
      receiver: dst.receiver({ rootFs: 'backup' }),
      keepSender: [{ type: 'not_replicated' }, { type: 'last_n', count: 1 }],
    });
    const first = await job.runOnce();
    expect(first.last?.ok, JSON.stringify(first, null, 1)).toBe(true);
    for (const fs of ['tank/data', 'tank/data/a', 'tank/data/b']) {
      const received = dst.versions(`backup/${fs}`).filter((v) => v.type === 'snapshot');
      expect(received.map((v) => v.name)).toEqual(['s2']);
      expect(received[0]?.guid).toBe(src.versions(fs).find((v) => v.name === 's2')?.guid);
      expect(dst.snapshotContent(`backup/${fs}`, 's2')).toEqual(src.snapshotContent(fs, 's2'));
    }
    // keep_sender destroyed s1 (replicated, not the newest) but kept s2 (the cursor's snapshot).
    expect(src.versions('tank/data').filter((v) => v.type === 'snapshot').map((v) => v.name)).toEqual(['s2']);

    src.write('tank/data/a', 'file', 'three');
    src.snapshot('tank/data/a', 's3');
    const second = await job.runOnce();
    expect(second.last?.ok).toBe(true);
    expect(dst.snapshotContent('backup/tank/data/a', 's3').get('file')?.toString()).toBe('three');
    const third = await job.runOnce();
    const states = third.last?.replication?.filesystems.map((f) => f.state);
    expect(states).toEqual(['skipped', 'skipped', 'skipped']);
    job.stop();
  });
});

describe('createReplicationJob durations', () => {
  it.each([
    ['watchdogTimeoutMs', { watchdogTimeoutMs: 30 * 86_400_000 }],
    ['intervalMs', { intervalMs: 30 * 86_400_000 }],
    ['progressIntervalMs', { progressIntervalMs: 2 ** 31 }],
    ['retry', { retry: { maxDelayMs: 30 * 86_400_000 } }],
  ])('refuses a %s longer than a timer holds (a 30-day watchdog used to cancel after 1 ms)', (what, extra) => {
    const { src, dst } = pools();
    expect(() => createReplicationJob({ name: 'test', sender: src.sender(), receiver: dst.receiver({ rootFs: 'backup' }), ...extra })).toThrow(
      new RegExp(`${what}.*at most 2147483647 ms`),
    );
  });
});
