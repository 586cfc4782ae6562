import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.js';
import { parseGridSpec } from '../../src/pruning/grid-spec.js';

const H = 3_600_000;
const D = 24 * H;

describe('parseGridSpec', () => {
  it('reads the documented example', () => {
    expect(parseGridSpec('1x1h(keep=all) | 24x1h | 14x1d')).toEqual([
      { repeat: 1, lengthMs: H, keep: 'all' },
      { repeat: 24, lengthMs: H, keep: 1 },
      { repeat: 14, lengthMs: D, keep: 1 },
    ]);
  });

  it('tolerates spaces around every part', () => {
    expect(parseGridSpec('  2 x 10m ( keep = 3 )  |  1x1w ')).toEqual([
      { repeat: 2, lengthMs: 600_000, keep: 3 },
      { repeat: 1, lengthMs: 7 * D, keep: 1 },
    ]);
  });

  it('reads keep=-1 as keep=all, as zrepl does', () => {
    expect(parseGridSpec('1x1h(keep=-1)')).toEqual([{ repeat: 1, lengthMs: H, keep: 'all' }]);
  });

  it('allows a shorter interval after intervals that all keep everything', () => {
    expect(parseGridSpec('1x1h(keep=all) | 6x10m | 1x1d')).toHaveLength(3);
  });

  it('allows equal interval lengths', () => {
    expect(parseGridSpec('1x10s | 1x10s')).toHaveLength(2);
  });

  it.each([
    ['', /interval 1 of 1 \(""\): expected <repeat>x<duration>/],
    ['1h', /interval 1 of 1 \("1h"\): expected <repeat>x<duration>/],
    ['x1h', /interval 1 of 1 \("x1h"\): expected <repeat>x<duration>/],
    ['1x1h | | 1x1d', /interval 2 of 3 \(""\): expected/],
    ['0x1h', /interval 1 of 1 \("0x1h"\): repeat count must be >= 1, got 0/],
    ['24x1h | 0x1d', /interval 2 of 2 \("0x1d"\): repeat count must be >= 1, got 0/],
    ['1x0s', /interval 1 of 1 \("1x0s"\): invalid duration "0s": must be greater than zero/],
    ['1x', /interval 1 of 1 \("1x"\): invalid duration ""/],
    ['1x1y', /interval 1 of 1 \("1x1y"\): invalid duration "1y": unknown unit "y"/],
    ['1x10', /interval 1 of 1 \("1x10"\): invalid duration "10": missing unit/],
    ['1x1h(keep=0)', /interval 1 of 1 \("1x1h\(keep=0\)"\): keep must be "all" or an integer >= 1, got 0/],
    ['1x1h(keep=-2)', /keep must be "all" or an integer >= 1, got -2/],
    ['1x1h(keep=1.5)', /keep must be "all" or an integer >= 1, got "1.5"/],
    ['1x1h(keep=)', /keep must be "all" or an integer >= 1, got ""/],
    ['1x1h(foo=1)', /unknown interval parameter "foo=1"; only keep=<n\|all> exists/],
    ['1x1h(keep=1)x', /expected <repeat>x<duration>/],
    ['1x1h | 1x10m', /interval 2 of 2 \("1x10m"\) is shorter than the interval before it/],
    ['1x1h(keep=all) | 1x1d | 1x1h', /interval 3 of 3 \("1x1h"\) is shorter/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseGridSpec(spec, '[0].grid')).toThrow(ConfigError);
    expect(() => parseGridSpec(spec, '[0].grid')).toThrow(message);
  });

  it('names the grid field in the error', () => {
    expect(() => parseGridSpec('0x1h', 'jobs[0].pruning.keep_receiver[2].grid')).toThrow(
      /^jobs\[0\]\.pruning\.keep_receiver\[2\]\.grid: interval 1 of 1/,
    );
  });

  it('refuses a grid that is not a string', () => {
    expect(() => parseGridSpec(24, '[0].grid')).toThrow(/^\[0\]\.grid: must be a grid string/);
  });
});
