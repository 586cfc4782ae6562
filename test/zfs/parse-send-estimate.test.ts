import { describe, expect, it } from 'vitest';
import { parseSendEstimate } from '../../src/zfs/parse-send-estimate.js';
import { readFixture } from './read-fixture.js';

const command = ['zfs', 'send', '-n', '-v', '-P'];

// The recorded OpenZFS output is parsed in openzfs-fixtures.test.ts; these are the format's edge cases.
describe('parseSendEstimate', () => {
  it('reads the size of a full send above 4 GiB exactly', () => {
    expect(parseSendEstimate('full\ttank/data@a\t5368709120\nsize\t5368709120\n', command)).toBe(5368709120);
  });

  it('takes the total of a resumed send, not the whole stream size', () => {
    const resumed = readFixture('openzfs-2.1-send-estimate-resume.txt');
    const total = Number(/^size\t(\d+)$/m.exec(resumed)?.[1]);
    const whole = Number(BigInt(/^\tbytes = (0x[0-9a-f]+)$/m.exec(resumed)?.[1] ?? '0'));
    expect(whole).toBeGreaterThan(0);
    expect(parseSendEstimate(resumed, command)).toBe(total);
  });

  it('adds per-stream sizes when there is no total line', () => {
    expect(parseSendEstimate('full\tp/f@a\t100\nincremental\ta\tp/f@b\t20\n', command)).toBe(120);
  });

  it('refuses output without any size, naming the command', () => {
    expect(() => parseSendEstimate('warning: something\n', command)).toThrow(/zfs send -n -v -P/);
  });
});
