import { describe, expect, it } from 'vitest';
import { parseSendEstimate } from '../../src/zfs/parse-send-estimate.js';
import { readFixture } from './read-fixture.js';

const command = ['zfs', 'send', '-n', '-v', '-P'];

describe('parseSendEstimate (OpenZFS 2.2, reconstructed recordings)', () => {
  it('reads the size of an incremental', () => {
    expect(parseSendEstimate(readFixture('openzfs-send-estimate-incremental.txt'), command)).toBe(2183480);
  });

  it('reads the size of a full send above 1 GiB', () => {
    expect(parseSendEstimate(readFixture('openzfs-send-estimate-full.txt'), command)).toBe(1073842688);
  });

  it('takes the total of a resumed send, not the whole stream size', () => {
    expect(parseSendEstimate(readFixture('openzfs-send-estimate-resume.txt'), command)).toBe(4436168);
  });

  it('adds per-stream sizes when there is no total line', () => {
    expect(parseSendEstimate('full\tp/f@a\t100\nincremental\ta\tp/f@b\t20\n', command)).toBe(120);
  });

  it('refuses output without any size, naming the command', () => {
    expect(() => parseSendEstimate('warning: something\n', command)).toThrow(/zfs send -n -v -P/);
  });
});
