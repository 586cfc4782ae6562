import { expect, it } from 'vitest';
import type { DaemonJobReport } from '../../src/control/control-protocol.js';
import { statusRows } from '../../src/daemon/status-rows.js';

it('escapes control characters from zfs output and dataset names, so status rows cannot steer the terminal', () => {
  const hostile = 'cannot open \x1b[2J\x1b]0;owned\x07 pool:\nsecond line \u202e';
  const report: DaemonJobReport = {
    job: 'backup',
    state: 'replicating',
    watchdog: 'armed',
    wakeupPending: false,
    problem: { message: hostile, kind: 'unknown', errorClass: 'permanent', at: '2026-12-02T06:00:00.000Z' },
    current: {
      number: 1,
      startedAt: '2026-12-02T06:00:00.000Z',
      ok: false,
      replication: {
        state: 'working',
        filesystems: [
          {
            filesystem: 'tank/\x1b[31mred',
            state: 'permanentError',
            problem: { message: hostile, kind: 'unknown', errorClass: 'permanent', at: '2026-12-02T06:00:00.000Z' },
            attempts: 1,
            completedSteps: [],
            pendingSteps: [],
            bytes: 0,
          },
        ],
      },
    },
  };
  const rows = statusRows([report]);
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    expect(row.text).not.toMatch(/[\x00-\x1f\x7f\u202e]/);
  }
  expect(rows[0]?.text).toContain('\\x1b[2J');
  expect(rows[2]?.text).toContain('tank/\\x1b[31mred');
});
