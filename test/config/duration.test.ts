import { describe, expect, it } from 'vitest';
import { parseDuration, parsePositiveDuration } from '../../src/config/duration.js';
import { ConfigError } from '../../src/domain/errors.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    [' 5 m ', 300_000],
    ['+3s', 3_000],
    ['0', 0],
    ['0s', 0],
    ['300ms', 300],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '10x', '1.5h', '-1h', 'h', '', '1h30m', '10 ms ms', 'ten minutes'])(
    'refuses %j with a ConfigError that names the value',
    (text) => {
      expect(() => parseDuration(text)).toThrow(ConfigError);
      expect(() => parseDuration(text)).toThrow(JSON.stringify(text));
    },
  );

  it('says a unit is missing when only a number is given', () => {
    expect(() => parseDuration('10')).toThrow(/missing unit/);
  });

  it('names the unknown unit', () => {
    expect(() => parseDuration('3y')).toThrow(/unknown unit "y"/);
  });

  it('prefixes the field path when one is given', () => {
    let caught: unknown;
    try {
      parseDuration('10x', 'jobs[0].snapshotting.interval');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).path).toBe('jobs[0].snapshotting.interval');
    expect((caught as ConfigError).message).toMatch(/^jobs\[0\]\.snapshotting\.interval: invalid duration "10x"/);
  });

  it('refuses a value that is not a string', () => {
    expect(() => parseDuration(10, 'interval')).toThrow(/^interval: .*got number 10/);
  });

  it('refuses a duration too large to count in milliseconds exactly', () => {
    expect(() => parseDuration('99999999999999999w')).toThrow(/too large/);
  });
});

describe('parsePositiveDuration', () => {
  it('accepts a positive duration', () => {
    expect(parsePositiveDuration('1m')).toBe(60_000);
  });

  it.each(['0', '0s', '0w'])('refuses zero (%j)', (text) => {
    expect(() => parsePositiveDuration(text)).toThrow(/greater than zero/);
  });
});
