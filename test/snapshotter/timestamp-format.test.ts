import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { formatHasZone, formatSnapshotTimestamp, timestampFormatProblem, timeZoneProblem } from '../../src/snapshotter/timestamp-format.js';
import { parseSnapshotName, snapshotName } from '../../src/endpoint/snapshot-name.js';

const AT = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67));

describe('timestamp_format', () => {
  it('writes zrepl\'s named formats', () => {
    expect(formatSnapshotTimestamp(AT, { format: 'dense', location: 'UTC' })).toBe('20260102_030405_067');
    expect(formatSnapshotTimestamp(AT, { format: 'human', location: 'UTC' })).toBe('2026-01-02_03:04:05');
    expect(formatSnapshotTimestamp(AT, { format: 'iso-8601', location: 'UTC' })).toBe('2026-01-02T03:04:05.067Z');
    expect(formatSnapshotTimestamp(AT, { format: 'unix-seconds', location: 'UTC' })).toBe(String(Math.floor(AT.getTime() / 1000)));
  });

  it('writes an offset in the zone of timestamp_location, with _ for +', () => {
    expect(formatSnapshotTimestamp(AT, { format: 'iso-8601', location: 'Europe/Berlin' })).toBe('2026-01-02T04:04:05.067_01:00');
    expect(formatSnapshotTimestamp(AT, { format: 'iso-8601', location: 'America/New_York' })).toBe('2026-01-01T22:04:05.067-05:00');
    // Summer time in Berlin: +02:00.
    expect(formatSnapshotTimestamp(new Date(Date.UTC(2026, 6, 1, 12)), { format: '2006-01-02_1504-0700', location: 'Europe/Berlin' })).toBe('2026-07-01_1400_0200');
  });

  it('ignores the zone for a format without an offset, so names stay UTC', () => {
    expect(formatSnapshotTimestamp(AT, { format: 'human', location: 'Asia/Tokyo' })).toBe('2026-01-02_03:04:05');
    expect(formatHasZone('human')).toBe(false);
    expect(formatHasZone('iso-8601')).toBe(true);
  });

  it('reads a Go layout', () => {
    expect(formatSnapshotTimestamp(AT, { format: 'Jan-02-06_03.04PM', location: 'UTC' })).toBe('Jan-02-26_03.04AM');
    expect(formatSnapshotTimestamp(AT, { format: 'Monday_2006', location: 'UTC' })).toBe('Friday_2026');
  });

  it('refuses a format with no time in it and an unknown zone, naming the value', () => {
    expect(timestampFormatProblem('snap')).toMatch(/"snap" is neither dense/);
    expect(timestampFormatProblem('dense')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(timeZoneProblem('Local')).toBeUndefined();
  });

  test.prop([fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })], { numRuns: 300 })(
    'dense names are the ones parseSnapshotName reads back',
    (at) => {
      expect(parseSnapshotName('xrepl_', snapshotName('xrepl_', at))?.getTime()).toBe(at.getTime());
    },
  );

  test.prop([fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 100_000_000 })], { numRuns: 300 })(
    'iso-8601 in UTC sorts as time does',
    (a, d) => {
      const first = formatSnapshotTimestamp(new Date(a), { format: 'iso-8601', location: 'UTC' });
      const second = formatSnapshotTimestamp(new Date(a + d), { format: 'iso-8601', location: 'UTC' });
      expect(first <= second).toBe(true);
    },
  );
});
