import { describe, expect, it } from 'vitest';
import { cronExpressionProblem, cronSchedule } from '../../src/snapshotter/cron-schedule.js';

describe('cron schedule', () => {
  it('gives the next time strictly after a moment, in the given zone', () => {
    const next = cronSchedule('0 3 * * *', 'UTC');
    expect(new Date(next(Date.parse('2026-11-26T02:59:00Z'))).toISOString()).toBe('2026-11-26T03:00:00.000Z');
    expect(new Date(next(Date.parse('2026-11-26T03:00:00Z'))).toISOString()).toBe('2026-11-27T03:00:00.000Z');
    const berlin = cronSchedule('0 3 * * *', 'Europe/Berlin');
    expect(new Date(berlin(Date.parse('2026-11-26T00:00:00Z'))).toISOString()).toBe('2026-11-26T02:00:00.000Z');
  });

  it('steps through */15 every quarter hour', () => {
    const next = cronSchedule('*/15 * * * *', 'UTC');
    let t = Date.parse('2026-11-26T09:01:00Z');
    const times: string[] = [];
    for (let i = 0; i < 3; i += 1) times.push(new Date((t = next(t))).toISOString().slice(11, 16));
    expect(times).toEqual(['09:15', '09:30', '09:45']);
  });

  it('refuses a malformed expression, naming it', () => {
    expect(cronExpressionProblem('0 3 * *')).toMatch(/expected 5 fields.*got 4 in "0 3 \* \*"/);
    expect(cronExpressionProblem('61 * * * *')).toMatch(/invalid cron expression "61 \* \* \* \*"/);
    expect(cronExpressionProblem('0 3 * * *')).toBeUndefined();
    expect(() => cronSchedule('nope')).toThrow(RangeError);
  });
});
