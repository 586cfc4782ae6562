import { ConfigError } from '../domain/errors.js';
import { describeValue } from '../domain/describe-value.js';

/** Milliseconds per unit of zrepl's duration syntax (`s`, `m`, `h`, `d`, `w`), plus Go's `ms` for short demo and test delays. */
export const DURATION_UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
});

// zrepl's shape: a whole number and one unit, spaces allowed around both; a bare `0` needs no unit.
const durationPattern = /^\s*\+?(\d+)\s*([a-zA-Z]*)\s*$/;

const expectedForm = 'expected a whole number and a unit ms, s, m, h, d or w, like "30s", "10m", "1h", "1d" or "2w"';

/**
 * Parses a zrepl duration (`300ms`, `30s`, `10m`, `1h`, `1d`, `2w`, or a bare `0`) into milliseconds.
 * Throws a ConfigError naming the value (and the field, when `path` is given) when malformed.
 */
export function parseDuration(value: unknown, path?: string): number {
  if (typeof value !== 'string') {
    throw new ConfigError(`${expectedForm}, got ${describeValue(value)}`, { path });
  }
  const match = durationPattern.exec(value);
  if (!match) {
    throw new ConfigError(`invalid duration ${JSON.stringify(value)}: ${expectedForm}`, { path });
  }
  const amount = Number(match[1]);
  const unit = match[2] ?? '';
  if (unit === '') {
    // A bare number is ambiguous except for zero, which zrepl (like Go) accepts without a unit.
    if (amount === 0) return 0;
    throw new ConfigError(`invalid duration ${JSON.stringify(value)}: missing unit; ${expectedForm}`, { path });
  }
  const unitMs = DURATION_UNIT_MS[unit];
  if (unitMs === undefined) {
    throw new ConfigError(`invalid duration ${JSON.stringify(value)}: unknown unit "${unit}"; ${expectedForm}`, {
      path,
    });
  }
  const ms = amount * unitMs;
  if (!Number.isSafeInteger(ms)) {
    throw new ConfigError(`invalid duration ${JSON.stringify(value)}: too large`, { path });
  }
  return ms;
}

/** Like {@link parseDuration}, but zero is refused too: for intervals and timeouts that must pass. */
export function parsePositiveDuration(value: unknown, path?: string): number {
  const ms = parseDuration(value, path);
  if (ms <= 0) {
    throw new ConfigError(`invalid duration ${JSON.stringify(value)}: must be greater than zero`, { path });
  }
  return ms;
}

