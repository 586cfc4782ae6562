import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { cursorPropertyName } from '../../src/endpoint/cursor.js';

const jobId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

describe('cursorPropertyName', () => {
  it('lowers upper-case letters and escapes them and "_", so that names differing in case stay apart', () => {
    expect(cursorPropertyName('backup')).toBe('xrepl:cursor.backup');
    expect(cursorPropertyName('A')).toBe('xrepl:cursor._a');
    expect(cursorPropertyName('_a')).toBe('xrepl:cursor.__a');
    expect(cursorPropertyName('a_b-C')).toBe('xrepl:cursor.a__b-_c');
  });

  test.prop([jobId, jobId], { numRuns: 500 })('gives distinct jobs distinct property names, all valid ZFS user property names', (a, b) => {
    const [pa, pb] = [cursorPropertyName(a), cursorPropertyName(b)];
    expect(pa).toMatch(/^[a-z0-9:._-]+$/);
    expect(pa.length).toBeLessThanOrEqual(256);
    expect(pa === pb).toBe(a === b);
  });

  test.prop([jobId], { numRuns: 500 })('keeps a name apart from the one that spells its upper-case letters as "_" and the letter', (a) => {
    const respelled = a.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    fc.pre(respelled !== a && respelled.length <= 64);
    expect(cursorPropertyName(respelled)).not.toBe(cursorPropertyName(a));
  });
});
