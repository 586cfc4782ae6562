import { outputLines, unexpectedOutput } from './unexpected-output.js';

/**
 * The estimated stream size in bytes from `zfs send -n -v -P` (OpenZFS). Its parsable output
 * has one line per stream (`full\t<snap>\t<bytes>` or `incremental\t<from>\t<to>\t<bytes>`)
 * and a total line `size\t<bytes>`; a resumed send first prints the token's fields. The total
 * wins; without it, the per-stream sizes are added. No size at all throws `unexpected-output`.
 */
export function parseSendEstimate(output: string, command: readonly string[]): number {
  let total: number | undefined;
  let sum = 0;
  let streams = 0;
  for (const line of outputLines(output)) {
    const fields = line.split('\t');
    const kind = fields[0];
    const last = fields[fields.length - 1] ?? '';
    if (kind === 'size') {
      if (fields.length !== 2 || !/^[0-9]+$/.test(last)) throw unexpectedOutput(command, line, 'expected size\\t<bytes>');
      total = Number(last);
    } else if (kind === 'full' || kind === 'incremental') {
      if (!/^[0-9]+$/.test(last)) throw unexpectedOutput(command, line, 'expected the stream size in bytes as the last column');
      sum += Number(last);
      streams += 1;
    }
  }
  if (total !== undefined) return total;
  if (streams > 0) return sum;
  throw unexpectedOutput(command, output.trim().split('\n')[0] ?? '', 'no size line');
}
