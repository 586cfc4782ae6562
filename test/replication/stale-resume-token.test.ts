import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createMemoryPool, type MemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

const signal = (): AbortSignal => new AbortController().signal;

/** A source with tank/a@s1 already replicated to backup/tank/a, then @s2 received only in part. */
async function withPartialReceive(): Promise<{ src: MemoryPool; dst: MemoryPool; token: string }> {
  const src = createMemoryPool({ name: 'src', seed: 1 });
  const dst = createMemoryPool({ name: 'dst', seed: 2 });
  src.createFilesystem('tank/a');
  src.write('tank/a', 'f', 'one');
  src.snapshot('tank/a', 's1');
  dst.createFilesystem('backup');
  const first = await job(src, dst.receiver({ rootFs: 'backup' })).runOnce();
  expect(first.last?.ok).toBe(true);
  src.write('tank/a', 'f', 'x'.repeat(100_000));
  const s2 = src.snapshot('tank/a', 's2');
  const s1 = src.versions('tank/a').find((v) => v.name === 's1');
  src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 20_000 } });
  const stream = await src.send({ filesystem: 'tank/a', from: s1, to: s2 }, signal());
  await dst.receive({ filesystem: 'backup/tank/a', from: s1, to: s2, stream }, signal()).catch(() => undefined);
  const token = (await dst.listFilesystems(signal())).find((f) => f.path === 'backup/tank/a')?.resumeToken;
  expect(token).toBeDefined();
  return { src, dst, token: token ?? '' };
}

function job(src: MemoryPool, receiver: Endpoint) {
  return createReplicationJob({
    name: 'j',
    sender: src.sender({ filter: filesystemFilter({ 'tank/a': true }) }),
    receiver,
    retry: { maxAttempts: 3 },
  });
}

/** The receiver as an endpoint that cannot read its tokens shows them: without where they lead. */
function withoutTokenTargets(receiver: Endpoint): Endpoint {
  return new Proxy(receiver, {
    get(target, property, r: unknown) {
      if (property === 'listFilesystems') {
        return async (s: AbortSignal) => (await target.listFilesystems(s)).map(({ resumeTokenGuid: _g, resumeTokenFromGuid: _f, ...info }) => info);
      }
      if (property === 'listAll') {
        const listAll = target.listAll?.bind(target);
        return listAll === undefined
          ? undefined
          : async (jobId: string, s: AbortSignal) => {
              const l = await listAll(jobId, s);
              return { ...l, filesystems: l.filesystems.map(({ resumeTokenGuid: _g, resumeTokenFromGuid: _f, ...info }) => info) };
            };
      }
      const value: unknown = Reflect.get(target, property, r);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('stale resume tokens never block a filesystem', () => {
  it('a token to a snapshot destroyed and re-created on the sender is cleared and replaced by a fresh send in the first attempt', async () => {
    const { src, dst } = await withPartialReceive();
    src.destroySnapshot('tank/a', 's2');
    const s2 = src.snapshot('tank/a', 's2');
    const report = await job(src, dst.receiver({ rootFs: 'backup' })).runOnce();
    const fs = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(report.last?.ok, JSON.stringify(fs)).toBe(true);
    // No failed attempt: the stale token cost no retry.
    expect(fs?.attempts).toBe(0);
    expect(dst.versions('backup/tank/a').map((v) => v.guid)).toContain(s2.guid);
    expect((await dst.listFilesystems(signal())).find((f) => f.path === 'backup/tank/a')?.resumeToken).toBeUndefined();
  });

  it('a token whose target the receiver cannot tell, leading to a destroyed snapshot, is cleared within the first attempt', async () => {
    const { src, dst } = await withPartialReceive();
    src.destroySnapshot('tank/a', 's2');
    const s3 = src.snapshot('tank/a', 's3');
    const report = await job(src, withoutTokenTargets(dst.receiver({ rootFs: 'backup' }))).runOnce();
    const fs = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(report.last?.ok, JSON.stringify(fs)).toBe(true);
    // No failed attempt: the stale token cost no retry.
    expect(fs?.attempts).toBe(0);
    expect(dst.versions('backup/tank/a').map((v) => v.guid)).toContain(s3.guid);
  });

  it('a token that leads to the planned step is resumed, not cleared', async () => {
    const { src, dst } = await withPartialReceive();
    const report = await job(src, dst.receiver({ rootFs: 'backup' })).runOnce();
    const fs = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(report.last?.ok).toBe(true);
    // Only the rest of the stream was sent (the whole one is over 100,000 bytes).
    expect(fs?.bytes).toBeGreaterThan(0);
    expect(fs?.bytes).toBeLessThan(90_000);
    // The report says so after the step is done, although its token is spent by then.
    expect(fs?.completedSteps.map((step) => step.resumed)).toEqual([true]);
  });

  it('a step whose stale token was cleared and sent afresh is reported as not resumed', async () => {
    const { src, dst } = await withPartialReceive();
    src.destroySnapshot('tank/a', 's2');
    src.snapshot('tank/a', 's2');
    const report = await job(src, dst.receiver({ rootFs: 'backup' })).runOnce();
    const fs = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(fs?.completedSteps.map((step) => step.resumed)).toEqual([false]);
  });
});

describe('a resume token is data from the receiver', () => {
  it('the sender refuses a token that names a filesystem its filter does not serve', async () => {
    const src = createMemoryPool({ name: 'src', seed: 1 });
    const dst = createMemoryPool({ name: 'dst', seed: 2 });
    for (const fs of ['tank/a', 'tank/secret']) {
      src.createFilesystem(fs);
      src.write(fs, 'f', 'y'.repeat(50_000));
      src.snapshot(fs, 's1');
    }
    // A partial receive of tank/secret's stream, made outside the job: its token names tank/secret.
    const secret = src.versions('tank/secret')[0]!;
    src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 1000 } });
    const stream = await src.send({ filesystem: 'tank/secret', to: secret }, signal());
    await dst.receive({ filesystem: 'x', to: secret, stream }, signal()).catch(() => undefined);
    const token = (await dst.listFilesystems(signal())).find((f) => f.path === 'x')?.resumeToken;
    expect(token).toBeDefined();
    const sender = src.sender({ filter: filesystemFilter({ 'tank/a': true }) });
    const a = src.versions('tank/a')[0]!;
    await expect(sender.send({ filesystem: 'tank/a', to: a, resumeToken: token }, signal())).rejects.toMatchObject({ kind: 'not-allowed' });
    await expect(sender.estimateSendSize({ filesystem: 'tank/a', to: a, resumeToken: token }, signal())).rejects.toMatchObject({ kind: 'not-allowed' });
  });

  it('the sender refuses a token of a served filesystem that leads to another snapshot than the requested one', async () => {
    const src = createMemoryPool({ name: 'src', seed: 1 });
    const dst = createMemoryPool({ name: 'dst', seed: 2 });
    src.createFilesystem('tank/a');
    src.write('tank/a', 'f', 'y'.repeat(50_000));
    const s1 = src.snapshot('tank/a', 's1');
    const s2 = src.snapshot('tank/a', 's2');
    src.faults.add({ call: 'send', effect: { type: 'truncate', afterBytes: 1000 } });
    await dst.receive({ filesystem: 'x', to: s1, stream: await src.send({ filesystem: 'tank/a', to: s1 }, signal()) }, signal()).catch(() => undefined);
    const token = (await dst.listFilesystems(signal())).find((f) => f.path === 'x')?.resumeToken;
    const sender = src.sender({ filter: filesystemFilter({ 'tank/a': true }) });
    await expect(sender.send({ filesystem: 'tank/a', to: s2, resumeToken: token }, signal())).rejects.toMatchObject({ kind: 'resume-token-stale' });
  });
});
