import { describe, expect, it } from 'vitest';
import { describeResumeTokenArgs, parseResumeTokenContents, resumeTokenFilesystem } from '../../src/zfs/resume-token.js';

// Captured on OpenZFS 2.1.11 (Debian bookworm, the VM of .ci/openzfs-vm), LC_ALL=C.
const FULL_2_1 = `resume token contents:
nvlist version: 0
\tobject = 0x2
\toffset = 0x2a0000
\tbytes = 0x2c24d0
\ttoguid = 0xefc0b89d8b67f49e
\ttoname = p1/src@s1
full send of p1/src@s1 estimated size is 5.27M
total estimated size is 5.27M
`;
const INCREMENTAL_2_1 = `resume token contents:
nvlist version: 0
\tfromguid = 0xefc0b89d8b67f49e
\tobject = 0x3
\toffset = 0x1c0000
\tbytes = 0x1e1c30
\ttoguid = 0x924e6ddef7a51732
\ttoname = p1/src@s2
send from p1/src@s1 to p1/src@s2 estimated size is 2.13M
total estimated size is 2.13M
`;
// `zfs send -nvt` of a token whose snapshot was destroyed and re-created: zfs exits 255, but the
// contents were printed first (stdout), the error on stderr.
const STALE_2_1 = `cannot resume send: 'p1/src@s2' is no longer the same snapshot used in the initial send
resume token contents:
nvlist version: 0
\tfromguid = 0xefc0b89d8b67f49e
\tobject = 0x3
\toffset = 0x1c0000
\tbytes = 0x1e1c30
\ttoguid = 0x924e6ddef7a51732
\ttoname = p1/src@s2
`;
// `zfs send -nvPt`: the same contents, then parsable size lines.
const PARSABLE_2_1 = `resume token contents:
nvlist version: 0
\tobject = 0x2
\toffset = 0x2a0000
\tbytes = 0x2c24d0
\ttoguid = 0xefc0b89d8b67f49e
\ttoname = p1/src@s1
full\tp1/src@s1\t5523872
size\t5523872
`;

describe('resume token contents (zfs send -nvt)', () => {
  it('reads a full stream token: where it leads, no base', () => {
    expect(parseResumeTokenContents(FULL_2_1)).toEqual({ toName: 'p1/src@s1', toGuid: 0xefc0b89d8b67f49en, bytes: 0x2c24d0n });
    expect(parseResumeTokenContents(PARSABLE_2_1)?.toGuid).toBe(0xefc0b89d8b67f49en);
  });

  it('reads an incremental token with its base guid', () => {
    expect(parseResumeTokenContents(INCREMENTAL_2_1)).toEqual({ toName: 'p1/src@s2', toGuid: 0x924e6ddef7a51732n, fromGuid: 0xefc0b89d8b67f49en, bytes: 0x1e1c30n });
  });

  it('reads a stale token: the contents print before zfs finds the snapshot gone', () => {
    const contents = parseResumeTokenContents(STALE_2_1);
    expect(contents?.toGuid).toBe(0x924e6ddef7a51732n);
    expect(contents && resumeTokenFilesystem(contents)).toBe('p1/src');
  });

  it('reads nothing from output without contents, or contents without toname, toguid or bytes', () => {
    expect(parseResumeTokenContents('cannot resume send: resume token is corrupt (incorrect checksum)\n')).toBeUndefined();
    expect(parseResumeTokenContents('resume token contents:\nnvlist version: 0\n\tobject = 0x2\n\ttoname = p/f@s\n')).toBeUndefined();
    expect(parseResumeTokenContents('resume token contents:\nnvlist version: 0\n\tbytes = 0x1\n\ttoguid = 0x1\n\ttoname = p/f\n')).toBeUndefined();
  });

  it('passes only a token of OpenZFS characters to zfs', () => {
    expect(describeResumeTokenArgs('1-993da6889-b8-789c63')).toEqual(['send', '-n', '-v', '-t', '1-993da6889-b8-789c63']);
    expect(() => describeResumeTokenArgs('1-abc; rm -rf /')).toThrow(/invalid resume token/);
    expect(() => describeResumeTokenArgs('-o')).not.toThrow(); // zfs reads it as the token after -t
  });
});
