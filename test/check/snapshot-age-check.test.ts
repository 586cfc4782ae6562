import { describe, expect, it } from 'vitest';
import { checkSnapshotAges } from '../../src/check/snapshot-age-check.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const H = 3_600_000;
const limits = { warningMs: 2 * H, criticalMs: 6 * H };

describe('checkSnapshotAges', () => {
  it('is OK with perfdata when every newest snapshot is younger than the warning', () => {
    const result = checkSnapshotAges('backup', [{ filesystem: 'tank/a', side: 'receiver', newestAt: NOW - H }], NOW, limits);
    expect(result).toEqual({ code: 0, line: "XREPL SNAPSHOTS OK - job backup: 1 filesystem side(s), oldest newest snapshot 60m old | 'receiver:tank/a'=3600s;7200;21600;0" });
  });

  it('the worst row decides: WARNING at the warning age, CRITICAL at the critical age or with no snapshot', () => {
    expect(checkSnapshotAges('b', [{ filesystem: 'tank/a', side: 'sender', newestAt: NOW - 2 * H }], NOW, limits).code).toBe(1);
    const critical = checkSnapshotAges(
      'b',
      [
        { filesystem: 'tank/a', side: 'sender', newestAt: NOW - 2 * H },
        { filesystem: 'tank/b', side: 'receiver' },
      ],
      NOW,
      limits,
    );
    expect(critical.code).toBe(2);
    expect(critical.line).toMatch(/^XREPL SNAPSHOTS CRITICAL - job b: 2 of 2 too old: sender tank\/a newest 2h old, receiver tank\/b has no snapshot \|/);
  });

  it('is UNKNOWN without filesystems', () => {
    expect(checkSnapshotAges('b', [], NOW, limits).code).toBe(3);
  });
});
