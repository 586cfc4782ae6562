/**
 * The process layer on real zfs-fuse pools: a transfer whose zfs leaves a grandchild holding its
 * output pipe is cancelled by the watchdog and the run ends (it used to wait for ever); zfs's own
 * refusals reach the engine as named kinds read in the C locale; a filter that serves nothing
 * fails the job.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { createTestPools, describeWithZfs, sh, type TestPools } from './helpers/real-zfs.js';

const live = (): AbortSignal => new AbortController().signal;

describeWithZfs('process layer on real zfs-fuse pools', () => {
  let pools: TestPools;
  let data: string;
  let root: string;
  let strayPids: string;
  let stuckZfs: string;

  beforeAll(async () => {
    pools = await createTestPools(['psrc', 'pdst']);
    data = `${pools.pool('psrc')}/data`;
    root = `${pools.pool('pdst')}/backup`;
    await sh('zfs', 'create', data);
    await sh('zfs', 'create', root);
    await sh('zfs', 'snapshot', `${data}@s1`);
    // A zfs whose send starts a helper in a session of its own (out of reach of the group kill)
    // that keeps stdout open, then never ends: everything else is the real zfs.
    strayPids = join(pools.dir, 'stray-pids');
    const realZfs = 'zfs';
    stuckZfs = join(pools.dir, 'zfs');
    await writeFile(
      stuckZfs,
      `#!/bin/sh\nif [ "$1" = send ]; then setsid sleep 1000 & echo $! >> '${strayPids}'; sleep 1000; exit 0; fi\nexec ${realZfs} "$@"\n`,
    );
    await chmod(stuckZfs, 0o755);
  });
  afterAll(async () => {
    const pids = await readFile(strayPids, 'utf8').catch(() => '');
    for (const pid of pids.split('\n').filter((l) => /^\d+$/.test(l))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await pools?.destroy();
  });

  it('a watchdog cancel ends the run although the stuck send left a grandchild holding its pipe', async () => {
    const sender = createZfsEndpoint({
      role: 'sender',
      filter: { matches: (p) => isSameOrBelow(p, data) },
      roots: [data],
      transport: createLocalTransport({ zfsPath: stuckZfs }),
    });
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
    const job = createReplicationJob({ name: 'stuck', sender, receiver, watchdogTimeoutMs: 1500, retry: { maxAttempts: 1 } });
    const pipesBefore = process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;
    // The test's own time limit is the hang guard: runOnce must resolve at all.
    const report = await job.runOnce();
    job.stop();
    // Nothing keeps the stuck send's pipe open in this process: `xrepl run --once` can exit.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length).toBeLessThanOrEqual(pipesBefore);
    expect(report.last?.ok).toBe(false);
    expect(report.last?.watchdog?.length ?? 0).toBeGreaterThan(0);
  }, 40_000);

  it('a filter that serves no filesystem fails the job', async () => {
    const sender = createZfsEndpoint({ role: 'sender', filter: { matches: () => false }, roots: [data] });
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
    const job = createReplicationJob({ name: 'none', sender, receiver });
    const report = await job.runOnce();
    job.stop();
    expect(report.last?.ok).toBe(false);
    expect(report.last?.replication?.problem?.message).toMatch(/serves no filesystem/);
  }, 40_000);

  it("zfs's refusal to destroy a snapshot with a clone is snapshot-cloned, with what to do", async () => {
    await sh('zfs', 'snapshot', `${data}@cloned`);
    await sh('zfs', 'clone', `${data}@cloned`, `${pools.pool('psrc')}/clone`);
    const raw = createZfsEndpoint({ roots: [data] });
    const [result] = await raw.destroySnapshots(data, ['cloned'], live());
    expect(result?.error).toMatchObject({ kind: 'snapshot-cloned', errorClass: 'permanent' });
    expect(result?.error?.message).toMatch(/promote/);
  }, 40_000);

  it('a zfs that is not there is zfs-not-found, not an unknown failure', async () => {
    const raw = createZfsEndpoint({ roots: [data], transport: createLocalTransport({ zfsPath: join(pools.dir, 'no-such-zfs') }) });
    await expect(raw.listVersions([data], live())).rejects.toMatchObject({ kind: 'zfs-not-found' });
  });
});
