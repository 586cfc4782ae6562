/** The data-path benchmark's harness on tiny real pools: every variant runs, is checked, and its pools are gone afterwards. */
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { describeDataPath, runDataPathBenchmark } from '../../bench/data-path.js';
import { describeWithZfs } from '../integration/helpers/real-zfs.js';

describeWithZfs('data path benchmark harness on zfs-fuse', () => {
  it('times the library, the shell pipe and send to /dev/null, and leaves no pool behind', async () => {
    const before = (await execa('zpool', ['list', '-H', '-o', 'name'])).stdout;
    const result = await runDataPathBenchmark({ sizeMiB: 2, runs: 1, cli: false });
    expect(result.samples['xrepl library']).toHaveLength(1);
    expect(result.samples['zfs send | zfs recv -u']).toHaveLength(1);
    expect(result.samples['zfs send > /dev/null']).toHaveLength(1);
    expect(result.streamBytes).toBeGreaterThan(2 * 2 ** 20);
    expect(describeDataPath(result)).toContain('ratio to the shell pipe');
    const after = (await execa('zpool', ['list', '-H', '-o', 'name'])).stdout;
    expect(after.split('\n').filter((p) => p.startsWith('xrepl_b') && !before.includes(p))).toEqual([]);
  }, 120_000);
});
