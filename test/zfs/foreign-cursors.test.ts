import { describe, expect, it } from 'vitest';
import { cursorBookmarkName, cursorPropertyName } from '../../src/endpoint/cursor.js';
import { jobOfCursorProperty } from '../../src/endpoint/cursor-property-job.js';
import { foreignCursorsFromBookmarks, foreignCursorsFromLocalProperties } from '../../src/zfs/replication-cursor.js';
import fc from 'fast-check';

const runs = Number(process.env.XREPL_PROPERTY_RUNS ?? 200);

describe('other jobs’ cursors', () => {
  it('maps every job’s cursor property name back to exactly that job', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), (job) => {
        expect(jobOfCursorProperty(cursorPropertyName(job))).toBe(job);
      }),
      { numRuns: runs },
    );
    expect(jobOfCursorProperty('xrepl:placeholder')).toBeUndefined();
    expect(jobOfCursorProperty('xrepl:cursor._')).toBeUndefined();
  });

  it('reads other jobs’ marks from zfs get -s local all output, and not its own', () => {
    const out = [
      `tank/a@s1\t${cursorPropertyName('Offsite')}\t111`,
      `tank/a@s2\t${cursorPropertyName('mine')}\t222`,
      'tank/a\tmountpoint\t/mnt',
      `tank/b c@s3\t${cursorPropertyName('x_y')}\t333`,
      `tank/a\t${cursorPropertyName('other')}\t444`,
    ].join('\n');
    const found = foreignCursorsFromLocalProperties(out, 'mine');
    expect([...found]).toEqual([
      ['tank/a', [{ jobId: 'Offsite', guid: 111n, type: 'snapshot', name: 's1' }]],
      ['tank/b c', [{ jobId: 'x_y', guid: 333n, type: 'snapshot', name: 's3' }]],
    ]);
  });

  it('reads other jobs’ cursor bookmarks, and not its own', () => {
    const v = (name: string) => ({ type: 'bookmark' as const, name, guid: 0x42n, createTxg: 5n, creation: new Date(0) });
    const found = foreignCursorsFromBookmarks(
      [
        { filesystem: 'tank/a', version: v(cursorBookmarkName(0x42n, 'other')) },
        { filesystem: 'tank/a', version: v(cursorBookmarkName(0x42n, 'mine')) },
        { filesystem: 'tank/a', version: v('manual') },
      ],
      'mine',
    );
    expect([...found]).toEqual([['tank/a', [{ jobId: 'other', guid: 0x42n, type: 'bookmark', name: cursorBookmarkName(0x42n, 'other') }]]]);
  });
});
