import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { startDaemon } from '../../src/daemon/daemon.js';
import { FakeJob } from './fake-job.js';
import { snapshotSender } from './snapshot-sender.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-daemon-hooks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('daemon snapshotter with cron and hooks', () => {
  it('snapshots at the cron time with the configured names, runs the hooks, and logs a failed one once', async () => {
    const log = join(dir, 'log');
    const hook = join(dir, 'hook.sh');
    await writeFile(hook, `#!/bin/sh\necho "$ZREPL_HOOKTYPE $ZREPL_SNAPNAME" >> ${log}\n[ "$ZREPL_HOOKTYPE" = pre_snapshot ] || exit 4\n`);
    await chmod(hook, 0o755);
    const clock = new SimulatedClock();
    clock.set(Date.parse('2026-11-26T09:30:00.000Z'));
    const created: { filesystems: readonly string[]; snapshot: string }[] = [];
    const warnings: string[] = [];
    const job = new FakeJob('cronjob');
    const daemon = await startDaemon({
      clock,
      logger: { info: () => undefined, warn: (_fields, message) => warnings.push(message) },
      jobs: [
        {
          job,
          sender: snapshotSender(created),
          snapshotting: { type: 'cron', cron: '0 * * * *', prefix: 'c_', naming: { format: 'human', location: 'UTC' }, hooks: [{ path: hook, timeoutMs: 10_000, errIsFatal: false }] },
        },
      ],
    });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(created).toEqual([]);
    clock.increment(30 * 60_000);
    await until(() => warnings.length > 0);
    expect(created.map((c) => c.snapshot)).toEqual(['c_2026-11-26_10:00:00']);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual(['pre_snapshot c_2026-11-26_10:00:00', 'post_snapshot c_2026-11-26_10:00:00']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(warnings).toEqual([`post_snapshot hook ${hook} on tank/a: exited with code 4`]);
    expect(daemon.status('cronjob')[0]?.snapshotter).toMatchObject({ state: 'waiting', sleepUntil: '2026-11-26T11:00:00.000Z' });
    await daemon.stop();
  });
});
