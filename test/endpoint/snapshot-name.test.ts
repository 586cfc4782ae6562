import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapshotName, snapshotName } from '../../src/endpoint/snapshot-name.js';
import { isValidDatasetName } from '../../src/domain/dataset-name.js';

describe('snapshot names', () => {
  it('writes the prefix and the UTC time to the millisecond', () => {
    expect(snapshotName('xrepl_', new Date('2026-11-26T09:30:00.000Z'))).toBe('xrepl_20261126_093000_000');
    expect(snapshotName('auto-', new Date('2027-01-02T03:04:05.067Z'))).toBe('auto-20270102_030405_067');
  });

  const moments = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

  it('parses back to the same moment, and names are valid snapshot names', () => {
    fc.assert(
      fc.property(moments, (at) => {
        const name = snapshotName('xrepl_', at);
        expect(parseSnapshotName('xrepl_', name)?.getTime()).toBe(at.getTime());
        expect(isValidDatasetName(`p/f@${name}`, 'snapshot')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts as text in time order', () => {
    fc.assert(
      fc.property(moments, moments, (a, b) => {
        const [na, nb] = [snapshotName('x_', a), snapshotName('x_', b)];
        expect(Math.sign(na.localeCompare(nb, 'en'))).toBe(Math.sign(a.getTime() - b.getTime()));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses other names and impossible dates', () => {
    expect(parseSnapshotName('xrepl_', 'manual')).toBeUndefined();
    expect(parseSnapshotName('xrepl_', 'xrepl_20260231_000000_000')).toBeUndefined();
    expect(parseSnapshotName('xrepl_', 'other_20261126_093000_000')).toBeUndefined();
  });

  it('refuses a prefix with characters ZFS does not allow', () => {
    expect(() => snapshotName('bad prefix!', new Date())).toThrow(/snapshot prefix/);
  });
});
