import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertDatasetName,
  datasetNameProblem,
  InvalidDatasetNameError,
  isSameOrBelow,
  isValidDatasetName,
  MAX_DATASET_NAME_LENGTH,
  parentFilesystem,
} from '../../src/domain/dataset-name.js';

describe('datasetNameProblem accepts names ZFS accepts', () => {
  const valid: Array<[string, 'filesystem' | 'snapshot' | 'bookmark']> = [
    ['tank', 'filesystem'],
    ['tank/a/b/c', 'filesystem'],
    ['Tank_2/with-dash/with.dot/with:colon/with space', 'filesystem'],
    ['tank/..a', 'filesystem'],
    ['tank/a@zrepl_20240101_000000_000', 'snapshot'],
    ['tank/a@snap.with:odd-chars_1', 'snapshot'],
    ['tank#cursor', 'bookmark'],
    ['tank/a#xrepl_CURSOR_G_0123456789abcdef', 'bookmark'],
    ['mirrors', 'filesystem'], // only the exact reserved words are refused
    ['cache', 'filesystem'], // "c" not followed by a digit is not disk-like
  ];
  for (const [name, kind] of valid) {
    it(`${JSON.stringify(name)} as ${kind} and as any`, () => {
      expect(datasetNameProblem(name, kind)).toBeUndefined();
      expect(datasetNameProblem(name)).toBeUndefined();
      expect(isValidDatasetName(name, kind)).toBe(true);
    });
  }
});

describe('datasetNameProblem refuses names ZFS refuses, saying why', () => {
  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['-o', /option/],
    ['-tank/a', /option/],
    ['/tank', /pool name "" must start with a letter/],
    ['1tank', /must start with a letter/],
    ['_tank', /must start with a letter/],
    ['tank/', /ends with "\/"/],
    ['tank//a', /empty component/],
    ['tank/./a', /"\." component/],
    ['tank/..', /"\.\." component/],
    ['tank/a*b', /"\*"/],
    ['tank/a\nb', /"\\n"/],
    ['tank/ä', /"ä"/],
    ['tank/a%b', /"%"/], // ZFS's temporary clone marker
    ['tank@', /empty snapshot name/],
    ['tank#', /empty bookmark name/],
    ['@snap', /no pool name/],
    ['tank@a@b', /more than one/],
    ['tank#a#b', /more than one/],
    ['tank@a#b', /both "@" and "#"/],
    ['tank@a/b', /"\/"/],
    ['tank@.', /"\." as its snapshot name/],
    ['tank#..', /"\.\." as its bookmark name/],
    ['tank@a*', /snapshot name "a\*"/],
  ];
  for (const [name, reason] of invalid) {
    it(JSON.stringify(name), () => {
      expect(datasetNameProblem(name)).toMatch(reason);
      expect(isValidDatasetName(name)).toBe(false);
    });
  }

  for (const pool of ['mirror', 'raidz', 'raidz1', 'raidz2', 'raidz3', 'draid', 'spare', 'log', 'c0', 'c1t0d0']) {
    it(`reserved or disk-like pool name ${pool}`, () => {
      expect(datasetNameProblem(`${pool}/a`)).toMatch(new RegExp(`pool name "${pool}" is reserved`));
    });
  }

  it('a value that is not a string', () => {
    expect(datasetNameProblem(42 as unknown as string)).toMatch(/not a string/);
  });
});

describe('datasetNameProblem length limit', () => {
  const nameOfBytes = (bytes: number) => `tank/${'x'.repeat(bytes - 5)}`;

  it(`accepts ${MAX_DATASET_NAME_LENGTH - 1} bytes and refuses ${MAX_DATASET_NAME_LENGTH}`, () => {
    expect(nameOfBytes(MAX_DATASET_NAME_LENGTH - 1)).toHaveLength(MAX_DATASET_NAME_LENGTH - 1);
    expect(datasetNameProblem(nameOfBytes(MAX_DATASET_NAME_LENGTH - 1))).toBeUndefined();
    expect(datasetNameProblem(nameOfBytes(MAX_DATASET_NAME_LENGTH))).toMatch(/256 bytes long/);
  });

  it('counts the snapshot part in the length', () => {
    const fs = nameOfBytes(250);
    expect(datasetNameProblem(`${fs}@abcd`)).toBeUndefined(); // 255 bytes
    expect(datasetNameProblem(`${fs}@abcde`)).toMatch(/bytes long/); // 256 bytes
  });

  it('counts bytes, not characters', () => {
    // 200 two-byte characters are 400 bytes: too long, whatever else is wrong with them.
    expect(datasetNameProblem(`tank/${'é'.repeat(200)}`)).toMatch(/405 bytes long/);
  });
});

describe('datasetNameProblem with an expected kind', () => {
  it('refuses a snapshot or bookmark where a filesystem is expected', () => {
    expect(datasetNameProblem('tank/a@s', 'filesystem')).toMatch(/snapshot name where a filesystem name is expected/);
    expect(datasetNameProblem('tank/a#b', 'filesystem')).toMatch(/bookmark name where a filesystem name is expected/);
  });

  it('refuses a filesystem or bookmark where a snapshot is expected', () => {
    expect(datasetNameProblem('tank/a', 'snapshot')).toMatch(/filesystem name where a snapshot name is expected/);
    expect(datasetNameProblem('tank/a#b', 'snapshot')).toMatch(/bookmark name where a snapshot name is expected/);
  });

  it('refuses a snapshot where a bookmark is expected', () => {
    expect(datasetNameProblem('tank/a@s', 'bookmark')).toMatch(/snapshot name where a bookmark name is expected/);
  });
});

describe('assertDatasetName', () => {
  it('throws an InvalidDatasetNameError carrying the name and the reason', () => {
    let thrown: unknown;
    try {
      assertDatasetName('tank/a@', 'snapshot');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidDatasetNameError);
    const error = thrown as InvalidDatasetNameError;
    expect(error.datasetName).toBe('tank/a@');
    expect(error.reason).toMatch(/empty snapshot name/);
    expect(error.message).toBe('invalid dataset name "tank/a@": has an empty snapshot name after "@"');
  });

  it('returns quietly for a valid name', () => {
    expect(() => assertDatasetName('tank/a@s', 'snapshot')).not.toThrow();
  });
});

describe('isSameOrBelow and parentFilesystem', () => {
  it('isSameOrBelow respects component boundaries', () => {
    expect(isSameOrBelow('tank/a', 'tank/a')).toBe(true);
    expect(isSameOrBelow('tank/a/b', 'tank/a')).toBe(true);
    expect(isSameOrBelow('tank/ab', 'tank/a')).toBe(false);
    expect(isSameOrBelow('tank', 'tank/a')).toBe(false);
  });

  it('parentFilesystem strips the last component, and has none for a pool', () => {
    expect(parentFilesystem('tank/a/b')).toBe('tank/a');
    expect(parentFilesystem('tank/a')).toBe('tank');
    expect(parentFilesystem('tank')).toBeUndefined();
  });
});

describe('datasetNameProblem properties', () => {
  const allowed = /^[A-Za-z0-9_\-.: /@#]*$/;

  it('every name it accepts has only ZFS characters, one separator at most, a letter first and fewer than 256 bytes', () => {
    // Mostly allowed characters plus a few troublemakers, so that both outcomes occur often.
    const charArb = fc.constantFrom(...'ab1_-.: /@#%*\n\u00e9\u0000', 'z', 'Z');
    fc.assert(
      fc.property(fc.array(charArb, { maxLength: 20 }).map((cs) => cs.join('')), (name) => {
        if (datasetNameProblem(name) !== undefined) return;
        expect(name).toMatch(allowed);
        expect(name).toMatch(/^[A-Za-z]/);
        expect((name.match(/[@#]/g) ?? []).length).toBeLessThanOrEqual(1);
        expect(Buffer.byteLength(name)).toBeLessThan(MAX_DATASET_NAME_LENGTH);
        expect(name.split(/[/@#]/)).not.toContain('');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and accepts exactly the names it finds no problem with, on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (name) => {
        const problem = datasetNameProblem(name);
        expect(isValidDatasetName(name)).toBe(problem === undefined);
        if (problem === undefined) expect(name).toMatch(allowed);
      }),
      { numRuns: 1000 },
    );
  });

  it('a valid filesystem name stays valid below itself, and its children are below it', () => {
    const componentArb = fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,8}$/).filter((c) => c !== '.' && c !== '..');
    fc.assert(
      fc.property(fc.array(componentArb, { minLength: 2, maxLength: 5 }), (components) => {
        const fs = ['tank', ...components].join('/');
        expect(datasetNameProblem(fs, 'filesystem')).toBeUndefined();
        expect(isSameOrBelow(fs, parentFilesystem(fs) ?? '')).toBe(true);
        expect(datasetNameProblem(`${fs}@s`, 'snapshot')).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});
