import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { parsePropertyRows } from '../../src/zfs/property-rows.js';
import { versionsFromRows } from '../../src/zfs/parse-versions.js';
import { readFixture } from './read-fixture.js';

const command = ['zfs', 'get', '-Hp', '-r'];
const properties = ['guid', 'createtxg', 'creation', 'userrefs'];
const parse = (stdout: string) => versionsFromRows(parsePropertyRows(stdout, { command, properties, withSource: false }), command);

describe('versions from zfs get -Hp (zfs-fuse recording)', () => {
  const versions = parse(readFixture('zfs-fuse-get-versions.txt'));

  it('gives every filesystem an entry, including those without snapshots', () => {
    expect([...versions.keys()].sort()).toEqual(['xrepl_tx_src', 'xrepl_tx_src/a', 'xrepl_tx_src/a/sp ace', 'xrepl_tx_src/m', 'xrepl_tx_src/n']);
    expect(versions.get('xrepl_tx_src')).toEqual([]);
  });

  it('parses guids above 2^63 exactly and keeps names with spaces whole', () => {
    const a = versions.get('xrepl_tx_src/a') ?? [];
    expect(a[0]).toMatchObject({ type: 'snapshot', name: 's1', guid: 12522444060005287385n, createTxg: 13n });
    expect(a[0]?.creation.toISOString()).toBe('2026-11-26T09:38:43.000Z');
    expect(versions.get('xrepl_tx_src/a/sp ace')?.[0]).toMatchObject({ name: 's 1', guid: 7684341103721106635n });
  });

  it('reads the hold count from userrefs', () => {
    const held = (versions.get('xrepl_tx_src/a') ?? []).find((v) => v.name === 's2');
    expect(held?.userRefs).toBe(1);
  });

  it('orders versions by createtxg, not by the order zfs printed them', () => {
    const shuffled = 'p/f@late\tguid\t2\np/f@late\tcreatetxg\t90\np/f@late\tcreation\t100\np/f@early\tguid\t1\np/f@early\tcreatetxg\t10\np/f@early\tcreation\t100\n';
    expect(parse(shuffled).get('p/f')?.map((v) => v.name)).toEqual(['early', 'late']);
  });

  it('treats bookmarks (fs#name, userrefs "-") as versions of their filesystem', () => {
    const out = 'p/f#bm\tguid\t5\np/f#bm\tcreatetxg\t7\np/f#bm\tcreation\t1\np/f#bm\tuserrefs\t-\n';
    expect(parse(out).get('p/f')).toEqual([{ type: 'bookmark', name: 'bm', guid: 5n, createTxg: 7n, creation: new Date(1000), userRefs: 0 }]);
  });

  it('round-trips any uint64 guid exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (guid) => {
        const out = `p/f@s\tguid\t${guid}\np/f@s\tcreatetxg\t1\np/f@s\tcreation\t0\n`;
        expect(parse(out).get('p/f')?.[0]?.guid).toBe(guid);
      }),
      { numRuns: 300 },
    );
  });
});

describe('unexpected output', () => {
  const failure = (stdout: string): EndpointError => {
    try {
      parse(stdout);
    } catch (e) {
      if (e instanceof EndpointError) return e;
      throw e;
    }
    throw new Error('parsed without error');
  };

  it('names the command and quotes the line for a row without a known property', () => {
    const e = failure('p/f@s\tbogus\t1\n');
    expect(e.kind).toBe('unexpected-output');
    expect(e.message).toContain('zfs get -Hp -r');
    expect(e.message).toContain(JSON.stringify('p/f@s\tbogus\t1'));
  });

  it('refuses a guid that is not a number (zfs-fuse without -p prints "14.4E")', () => {
    const e = failure('p/f@s\tguid\t14.4E\np/f@s\tcreatetxg\t1\np/f@s\tcreation\t0\n');
    expect(e.kind).toBe('unexpected-output');
    expect(e.message).toContain('14.4E');
  });

  it('refuses a guid beyond 64 bits', () => {
    expect(failure(`p/f@s\tguid\t${1n << 64n}\np/f@s\tcreatetxg\t1\np/f@s\tcreation\t0\n`).kind).toBe('unexpected-output');
  });

  it('refuses a version missing its createtxg', () => {
    const e = failure('p/f@s\tguid\t1\np/f@s\tcreation\t0\n');
    expect(e.message).toContain('createtxg');
  });
});
