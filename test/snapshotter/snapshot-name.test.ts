import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSnapshotTimestamp, periodicSnapshotName } from '../../src/snapshotter/snapshot-name.js';

// Dates in years 1000..9999, where the four-digit year keeps names the same length.
const dates = fc.date({ min: new Date('1000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

function parseTimestamp(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})_(\d{3})$/.exec(text);
  if (!match) throw new Error(`not a dense timestamp: ${text}`);
  const [, y, mo, d, h, mi, s, ms] = match.map(Number);
  const at = new Date(0);
  at.setUTCFullYear(y!, mo! - 1, d!);
  at.setUTCHours(h!, mi!, s!, ms!);
  return at.getTime();
}

describe('periodicSnapshotName', () => {
  it('names a snapshot with the prefix and the dense UTC time', () => {
    expect(periodicSnapshotName('xrepl_', new Date('2026-11-26T09:30:00.000Z'))).toBe('xrepl_20261126_093000_000');
    expect(periodicSnapshotName('zrepl_', new Date('2026-01-02T03:04:05.678+02:00'))).toBe('zrepl_20260102_010405_678');
  });

  it('refuses an empty prefix and an invalid date', () => {
    expect(() => periodicSnapshotName('', new Date(0))).toThrow(/prefix/);
    expect(() => periodicSnapshotName('x_', new Date(Number.NaN))).toThrow(/invalid date/);
  });

  it('keeps the exact moment: the timestamp reads back to the same millisecond', () => {
    fc.assert(
      fc.property(dates, (at) => {
        expect(parseTimestamp(formatSnapshotTimestamp(at))).toBe(at.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('sorts names in time order', () => {
    fc.assert(
      fc.property(dates, dates, (a, b) => {
        const [na, nb] = [periodicSnapshotName('p_', a), periodicSnapshotName('p_', b)];
        expect(Math.sign(na.localeCompare(nb, 'en'))).toBe(Math.sign(a.getTime() - b.getTime()));
      }),
      { numRuns: 300 },
    );
  });
});
