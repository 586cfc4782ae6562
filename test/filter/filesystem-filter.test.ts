import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import { ConfigError } from '../../src/domain/errors.js';

function expectAnswers(spec: Record<string, boolean>, answers: Record<string, boolean>): void {
  const filter = filesystemFilter(spec);
  const actual = Object.fromEntries(Object.keys(answers).map((path) => [path, filter.matches(path)]));
  expect(actual).toEqual(answers);
}

describe('filesystemFilter', () => {
  it('passes nothing when the spec is empty', () => {
    expectAnswers({}, { tank: false, 'tank/a': false, zroot: false });
  });

  it('an exact pattern matches that filesystem only, not its children or siblings', () => {
    expectAnswers({ 'tank/a': true }, { 'tank/a': true, 'tank/a/b': false, tank: false, 'tank/ab': false });
  });

  it('a subtree pattern matches the filesystem and everything below, not a sibling sharing its prefix', () => {
    expectAnswers({ 'tank/a<': true }, { 'tank/a': true, 'tank/a/b/c': true, 'tank/ab': false, tank: false });
  });

  it('the bare "<" matches every filesystem of every pool', () => {
    expectAnswers({ '<': true, 'tank/tmp<': false }, { tank: true, zroot: true, 'zroot/x/y': true, 'tank/tmp/z': false });
  });

  it('the more specific pattern wins (zrepl documentation example)', () => {
    expectAnswers(
      { 'tank<': true, 'tank/foo<': false, 'tank/foo/bar': true },
      { 'tank/foo/bar/loo': false, 'tank/bar': true, 'tank/foo/bar': true, zroot: false, 'tank/var/log': true },
    );
  });

  it('the more specific pattern wins over several levels', () => {
    expectAnswers(
      { 'tank<': true, 'tank/tmp<': false, 'tank/home/x<': false, 'tank/home/x/1': true },
      {
        zroot: false,
        tank: true,
        'tank/tmp': false,
        'tank/tmp/foo': false,
        'tank/home/x': false,
        'tank/home/y': true,
        'tank/home/x/1': true,
        'tank/home/x/2': false,
      },
    );
  });

  it('an exact pattern beats a subtree pattern on the same path', () => {
    expectAnswers({ 'tank/home/bob': true, 'tank/home/bob<': false }, { 'tank/home/bob': true, 'tank/home/bob/downloads': false });
    expectAnswers({ 'tank/home/bob': false, 'tank/home/bob<': true }, { 'tank/home/bob': false, 'tank/home/bob/downloads': true });
  });

  it('never passes a path that is not a filesystem name, and never throws for one', () => {
    const filter = filesystemFilter({ '<': true });
    for (const path of ['', 'tank@snap', 'tank#book', '-tank', 'tank/', '/tank', 'tank//a', 'ta%nk', 'tank/a\n']) {
      expect(filter.matches(path)).toBe(false);
    }
    expect(filter.matches(undefined as unknown as string)).toBe(false);
  });

  it('names the pattern that decides a path', () => {
    const filter = filesystemFilter({ 'tank<': true, 'tank/tmp<': false });
    expect(filter.decidingPattern('tank/tmp/x')).toBe('tank/tmp<');
    expect(filter.decidingPattern('tank/a')).toBe('tank<');
    expect(filter.decidingPattern('zroot')).toBeUndefined();
  });

  describe('rejects a bad spec with a ConfigError naming the pattern', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['a snapshot name', { 'tank/a@snap': true }, /"tank\/a@snap".*snapshot/],
      ['a bookmark name', { 'tank/a#b<': true }, /"tank\/a#b<".*bookmark/],
      ['"<" in the middle', { 'tank/<a': true }, /"tank\/<a".*"<"/],
      ['two "<"', { 'tank<<': true }, /"tank<<".*only once/],
      ['an empty pattern', { '': true }, /"".*empty/],
      ['a trailing slash', { 'tank/<': true }, /"tank\/<".*ends with/],
      ['an option-like name', { '-o<': true }, /"-o<".*option/],
      ['a bad character', { 'tank/a*': true }, /"tank\/a\*".*"\*"/],
      ['a reserved pool name', { 'mirror/a': true }, /"mirror\/a".*reserved/],
      ['a non-boolean value', { 'tank/a': 'ok' }, /"tank\/a".*true or false/],
    ];
    for (const [what, spec, message] of cases) {
      it(what, () => {
        const build = () => filesystemFilter(spec as Record<string, boolean>);
        expect(build).toThrow(ConfigError);
        expect(build).toThrow(message);
      });
    }

    it('with the configuration path in front when given', () => {
      expect(() => filesystemFilter({ 'a@b': true }, { configPath: 'jobs[0].filesystems' })).toThrow(
        /^jobs\[0\]\.filesystems: filesystem pattern "a@b"/,
      );
    });
  });
});

// ---- brute force ----

/** Every filesystem in a small tree: pools p and q, components a and b, up to three levels. */
const universe: string[] = (() => {
  const names: string[] = [];
  const grow = (prefix: string, depth: number) => {
    names.push(prefix);
    if (depth < 3) for (const c of ['a', 'b']) grow(`${prefix}/${c}`, depth + 1);
  };
  for (const pool of ['p', 'q']) grow(pool, 1);
  return names;
})();

/**
 * Reads the spec the slow way: from the path itself up to the root, the first pattern that names
 * the current level decides (the exact pattern only at the path itself, before its subtree pattern).
 */
function bruteForce(spec: Record<string, boolean>, path: string): boolean {
  if (path in spec) return spec[path] as boolean;
  const components = path.split('/');
  for (let n = components.length; n >= 1; n--) {
    const pattern = `${components.slice(0, n).join('/')}<`;
    if (pattern in spec) return spec[pattern] as boolean;
  }
  return '<' in spec ? (spec['<'] as boolean) : false;
}

const specArb = fc.dictionary(
  fc.oneof(fc.constantFrom(...universe), fc.constantFrom(...universe.map((n) => `${n}<`)), fc.constant('<')),
  fc.boolean(),
  { maxKeys: 8 },
);

describe('filesystemFilter properties', () => {
  it('every answer matches a brute-force reading of the spec', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const filter = filesystemFilter(spec);
        for (const path of universe) expect(filter.matches(path), path).toBe(bruteForce(spec, path));
      }),
      { numRuns: 500 },
    );
  });

  it('the answer does not depend on the order of the spec entries', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const forward = filesystemFilter(spec);
        const backward = filesystemFilter(Object.fromEntries(Object.entries(spec).reverse()));
        for (const path of universe) expect(backward.matches(path)).toBe(forward.matches(path));
      }),
      { numRuns: 200 },
    );
  });

  it('matches never throws, whatever the path', () => {
    const filter = filesystemFilter({ '<': true, 'p/a': false });
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (path) => {
        expect(typeof filter.matches(path)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
