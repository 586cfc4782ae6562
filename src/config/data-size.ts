/** Bytes per unit of a data size: binary (`KiB`, `MiB`, …) and decimal (`kB`, `MB`, …), as zrepl takes them. */
const UNIT_BYTES: Readonly<Record<string, number>> = Object.freeze({
  b: 1,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
});

const sizePattern = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/**
 * A data size (`23.5 MiB`, `128KiB`, `10 MB`, `4096`, `4096 B`) in whole bytes; a string saying
 * what is wrong when it is none. Units are case-insensitive; a bare number is bytes.
 */
export function parseDataSize(text: string): number | string {
  const match = sizePattern.exec(text);
  if (match === null) return `invalid size ${JSON.stringify(text)}: expected a number and a unit B, KiB, MiB, GiB, TiB, kB, MB, GB or TB, like "10 MiB"`;
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : UNIT_BYTES[unit];
  if (factor === undefined) return `unknown unit ${JSON.stringify(match[2])} in ${JSON.stringify(text)}: expected B, KiB, MiB, GiB, TiB, kB, MB, GB or TB`;
  const bytes = Math.floor(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes)) return `size ${JSON.stringify(text)} is too large`;
  return bytes;
}
