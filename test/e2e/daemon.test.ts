import { stat } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DaemonJobReport } from '../../src/control/control-protocol.js';
import { ensureBuilt } from './helpers/built-cli.js';
import { daemonConfigDir, runCli, startDaemonProcess } from './daemon-cli.js';

describe('xrepl daemon (built CLI, memory pools)', () => {
  beforeAll(ensureBuilt);
  it('serves status --json and signal wakeup --wait, and stops cleanly on SIGTERM', async () => {
    const { config, socket, cleanup } = await daemonConfigDir();
    const daemon = await startDaemonProcess(['--config', config]);
    try {
      expect((await stat(socket)).mode & 0o777).toBe(0o600);

      const status = await runCli(['status', '--json', '--socket', socket]);
      expect(status.code).toBe(0);
      const jobs = JSON.parse(status.stdout) as DaemonJobReport[];
      expect(jobs.map((j) => j.job)).toEqual(['backup']);
      expect(jobs[0]?.snapshotter?.state).toMatch(/^(planning|snapshotting|waiting)$/);

      const woken = await runCli(['signal', 'wakeup', 'backup', '--wait', '--json', '--config', config]);
      expect(woken.code).toBe(0);
      const invocation = JSON.parse(woken.stdout) as { number: number; ok: boolean; replication?: { filesystems: { filesystem: string; state: string }[] } };
      expect(invocation.ok).toBe(true);
      expect(invocation.replication?.filesystems.map((f) => f.filesystem).sort()).toEqual(['tank/data', 'tank/data/a']);

      // After the wait, the daemon reports that invocation as its last one.
      const after = JSON.parse((await runCli(['status', '--json', '--job', 'backup', '--socket', socket])).stdout) as DaemonJobReport[];
      expect(after[0]?.last?.number).toBe(invocation.number);

      const unknown = await runCli(['signal', 'wakeup', 'nope', '--socket', socket]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no job named "nope"');
    } finally {
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      await expect(stat(socket)).rejects.toMatchObject({ code: 'ENOENT' });
      await cleanup();
    }
  });

  it('status and signal name the socket when no daemon runs', async () => {
    const { socket, cleanup } = await daemonConfigDir();
    const status = await runCli(['status', '--json', '--socket', socket]);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`cannot connect to control socket ${socket}`);
    await cleanup();
  });
});
