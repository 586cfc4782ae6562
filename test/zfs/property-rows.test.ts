import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePropertyRows } from '../../src/zfs/property-rows.js';

const command = ['zfs', 'get'];

describe('parsePropertyRows', () => {
  it('splits name, property, value and an "inherited from" source that has spaces', () => {
    const rows = parsePropertyRows('b/my fs\txrepl:placeholder\ton\tinherited from b/my parent\n', {
      command,
      properties: ['xrepl:placeholder'],
      withSource: true,
    });
    expect(rows).toEqual([{ name: 'b/my fs', property: 'xrepl:placeholder', value: 'on', source: 'inherited from b/my parent' }]);
  });

  it('keeps a user property value that contains tabs', () => {
    const rows = parsePropertyRows('p/f\tx:note\ta\tb\tlocal\n', { command, properties: ['x:note'], withSource: true });
    expect(rows[0]).toMatchObject({ value: 'a\tb', source: 'local' });
  });

  it('keeps names with spaces and tabs whole when the property column is known', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', ' ', '\t', '/', '_', '@'), { minLength: 1, maxLength: 20 }).map((cs) => `p${cs.join('')}`),
        fc.constantFrom('guid', 'createtxg'),
        fc.nat().map(String),
        (name, property, value) => {
          const rows = parsePropertyRows(`${name}\t${property}\t${value}\n`, { command, properties: ['guid', 'createtxg'], withSource: false });
          expect(rows).toEqual([{ name, property, value }]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
