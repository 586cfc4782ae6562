/** The benchmarks' median, which every reported figure goes through. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { median } from '../../bench/lib/stats.js';

describe('median', () => {
  it('takes the middle sample, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses no samples', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  test.prop([fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1 })], { numRuns: 200 })(
    'has as many samples at or above it as at or below it',
    (samples) => {
      const m = median(samples);
      const below = samples.filter((s) => s <= m).length;
      const above = samples.filter((s) => s >= m).length;
      expect(below).toBeGreaterThanOrEqual(samples.length / 2);
      expect(above).toBeGreaterThanOrEqual(samples.length / 2);
    },
  );
});
