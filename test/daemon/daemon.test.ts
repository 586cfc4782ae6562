import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { sendControlRequest } from '../../src/control/control-client.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { FakeJob } from './fake-job.js';
import { snapshotSender } from './snapshot-sender.js';

const MINUTE = 60_000;

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-daemon-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('daemon', () => {
  it('starts every job, wakes a periodic job after each snapshot, and leaves a manual job alone', async () => {
    const clock = new SimulatedClock();
    clock.set(Date.parse('2026-11-26T09:30:00.000Z'));
    const created: { filesystems: readonly string[]; snapshot: string }[] = [];
    const periodic = new FakeJob('periodic');
    const manual = new FakeJob('manual');
    const daemon = await startDaemon({
      clock,
      jobs: [
        { job: periodic, sender: snapshotSender(created), snapshotting: { type: 'periodic', prefix: 'xrepl_', intervalMs: 10 * MINUTE } },
        { job: manual, sender: snapshotSender([]), snapshotting: { type: 'manual' } },
      ],
    });
    expect(periodic.started && manual.started).toBe(true);
    for (let i = 0; i < 5; i++) await settle();
    expect(created.map((c) => c.snapshot)).toEqual(['xrepl_20261126_093000_000']);
    expect(periodic.calls).toEqual(['start', 'wakeup']);
    periodic.finish(true);
    for (let minute = 0; minute < 10; minute++) {
      clock.increment(MINUTE);
      for (let i = 0; i < 3; i++) await settle();
    }
    expect(created).toHaveLength(2);
    expect(periodic.calls).toEqual(['start', 'wakeup', 'wakeup']);
    expect(manual.calls).toEqual(['start']);
    const [report] = daemon.status('periodic');
    expect(report?.snapshotter).toMatchObject({ state: 'waiting', lastSnapshot: { name: 'xrepl_20261126_094000_000', filesystems: 1 } });
    expect(daemon.status('manual')[0]?.snapshotter).toBeUndefined();
    await daemon.stop();
    expect(periodic.calls.at(-1)).toBe('stop');
    expect(manual.calls.at(-1)).toBe('stop');
  });

  it('serves status, wakeup --wait and reset on its control socket, and removes the socket when stopped', async () => {
    const job = new FakeJob('backup');
    const socketPath = join(dir, 'control.sock');
    const daemon = await startDaemon({ socketPath, jobs: [{ job, sender: snapshotSender([]), snapshotting: { type: 'manual' } }] });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);

    const status = await sendControlRequest(socketPath, { op: 'status' });
    expect(status).toEqual({ ok: true, jobs: [{ job: 'backup', state: 'idle', watchdog: 'disarmed', wakeupPending: false }] });

    const waited = sendControlRequest(socketPath, { op: 'wakeup', job: 'backup', wait: true });
    await until(() => job.report().current !== undefined);
    job.finish(true);
    expect(await waited).toMatchObject({ ok: true, invocation: { number: 1, ok: true } });

    expect(await sendControlRequest(socketPath, { op: 'status', job: 'nope' })).toEqual({
      ok: false,
      error: 'no job named "nope"; the daemon runs "backup"',
    });
    await daemon.stop();
    await expect(stat(socketPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('wakeup --wait on a busy job answers with the invocation after the current one', async () => {
    const job = new FakeJob('busy');
    const daemon = await startDaemon({ jobs: [{ job, sender: snapshotSender([]), snapshotting: { type: 'manual' } }] });
    job.wakeup(); // invocation 1 runs
    const waited = daemon.wakeup('busy', true);
    let answered = false;
    void waited.then(() => (answered = true));
    job.finish(false); // invocation 1 ends; the kept wakeup starts invocation 2
    await settle();
    expect(answered).toBe(false);
    expect(job.report().current?.number).toBe(2);
    job.finish(true);
    expect(await waited).toMatchObject({ number: 2, ok: true });
    await daemon.stop();
  });

  it('reset reaches the job; a wait in progress is rejected when the daemon stops', async () => {
    const job = new FakeJob('r');
    const daemon = await startDaemon({ jobs: [{ job, sender: snapshotSender([]), snapshotting: { type: 'manual' } }] });
    const waited = daemon.wakeup('r', true);
    daemon.reset('r');
    expect(job.calls).toContain('reset');
    // The reset ended the woken invocation: the wait answers with it, marked reset.
    expect(await waited).toMatchObject({ number: 1, ok: false, reset: true });
    const pending = daemon.wakeup('r', true);
    await daemon.stop();
    await expect(pending).rejects.toThrow(/stopped before the woken invocation ended/);
  });

  it('refuses two jobs with the same name', async () => {
    const sender = snapshotSender([]);
    await expect(
      startDaemon({
        jobs: [
          { job: new FakeJob('same'), sender, snapshotting: { type: 'manual' } },
          { job: new FakeJob('same'), sender, snapshotting: { type: 'manual' } },
        ],
      }),
    ).rejects.toThrow('two jobs are named "same"');
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await settle();
  if (!condition()) throw new Error('condition never became true');
}
