/**
 * xrepl's parsers on output recorded from real OpenZFS (test/zfs/fixtures/openzfs-<version>-*,
 * made by record-openzfs.sh in the test VMs). The recordings speak of one pool, so their values
 * check each other: a cursor bookmark's guid is its snapshot's in the listing, a resume token
 * names the snapshot that was being received.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyStderr } from '../../src/zfs/classify-failure.js';
import { filesystemsFromRows, filesystemsWithSnapshots } from '../../src/zfs/list-filesystems.js';
import { parseBookmarkList } from '../../src/zfs/parse-bookmark-list.js';
import { parseHolds } from '../../src/zfs/parse-holds.js';
import { parseSendEstimate } from '../../src/zfs/parse-send-estimate.js';
import { versionsFromRows } from '../../src/zfs/parse-versions.js';
import { parsePoolFeatures } from '../../src/zfs/pool-features.js';
import { parsePropertyRows } from '../../src/zfs/property-rows.js';
import { parseResumeTokenContents } from '../../src/zfs/resume-token.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import { readFixture } from './read-fixture.js';

const RECORDED = ['2.1', '2.3'].filter((v) => existsSync(fileURLToPath(new URL(`./fixtures/openzfs-${v}-usage.txt`, import.meta.url))));
const cmd = ['zfs'];
const SNAP = { first: 'xrepl_20261202_090000_000', second: 'xrepl_20261202_100000_000', third: 'xrepl_20261202_110000_000' };

it('has recordings of OpenZFS 2.1 and 2.3', () => {
  expect(RECORDED).toEqual(['2.1', '2.3']);
});

describe.each(RECORDED)('recorded OpenZFS %s output', (version) => {
  const read = (name: string): string => readFixture(`openzfs-${version}-${name}.txt`);
  const senderRows = () =>
    parsePropertyRows(read('get-all'), {
      command: cmd,
      properties: ['type', 'xrepl:placeholder', 'guid', 'createtxg', 'creation', 'userrefs', 'receive_resume_token'],
      withSource: true,
    });
  const guidOf = (snapshot: string): bigint => {
    const v = versionsFromRows(senderRows(), cmd).get('tank/data')?.find((x) => x.type === 'snapshot' && x.name === snapshot);
    if (v === undefined) throw new Error(`tank/data@${snapshot} is not in the recorded listing`);
    return v.guid;
  };

  it('reads every feature xrepl uses from the usage text', () => {
    const f = featuresFromUsage(read('usage'), cmd);
    expect(f).toMatchObject({ bookmarks: true, resumableReceive: true, sendEstimate: true, holds: true, destroyCommaList: true, multiSnapshot: true, getTypeFilter: true });
  });

  it('lists filesystems, snapshots in createtxg order, bookmarks and hold counts from one zfs get', () => {
    const rows = senderRows();
    expect(filesystemsFromRows(rows, filesystemsWithSnapshots(rows)).map((f) => f.path)).toEqual(['tank', 'tank/data', 'tank/my docs']);
    const data = versionsFromRows(rows, cmd).get('tank/data') ?? [];
    const snapshots = data.filter((v) => v.type === 'snapshot');
    expect(snapshots.map((v) => v.name)).toEqual([SNAP.first, SNAP.second, SNAP.third]);
    expect(snapshots.map((v) => v.createTxg)).toEqual([...snapshots.map((v) => v.createTxg)].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(snapshots.map((v) => v.guid)).size).toBe(3);
    expect(data.filter((v) => v.type === 'bookmark').map((v) => v.name).sort()).toEqual(['manual', `xrepl_CURSOR_G_${guidOf(SNAP.second).toString(16).padStart(16, '0')}_J_backup`]);
    expect(snapshots.find((v) => v.name === SNAP.first)?.userRefs).toBe(1);
  });

  it('tells a placeholder (local mark) from received data that inherits the mark, and sees the resume token', () => {
    const rows = parsePropertyRows(read('get-receiver'), { command: cmd, properties: ['type', 'xrepl:placeholder', 'receive_resume_token'], withSource: true });
    const infos = new Map(filesystemsFromRows(rows, new Set(['backup/tank/data'])).map((f) => [f.path, f]));
    expect(infos.get('backup/tank')?.placeholder).toBe(true);
    expect(infos.get('backup/tank/data')?.placeholder).toBe(false);
    expect(infos.get('backup/tank/data')?.resumeToken).toBe(read('resume-token').trim());
  });

  it('parses send size estimates: full, incremental, from a bookmark, and resumed', () => {
    for (const name of ['send-estimate-full', 'send-estimate-incremental', 'send-estimate-bookmark', 'send-estimate-resume']) {
      const text = read(name);
      const total = /^size\t(\d+)$/m.exec(text)?.[1];
      expect(total, name).toBeDefined();
      expect(parseSendEstimate(text, cmd), name).toBe(Number(total));
    }
  });

  it('decodes where a resume token leads, also once its snapshot is gone, and classifies the stale send', () => {
    const live = parseResumeTokenContents(read('send-estimate-resume'));
    expect(live?.toName).toBe(`tank/data@${SNAP.second}`);
    expect(live?.toGuid).toBe(guidOf(SNAP.second));
    expect(live?.fromGuid).toBe(guidOf(SNAP.first));
    const staleText = read('send-resume-token-stale');
    expect(parseResumeTokenContents(staleText)).toEqual(live);
    expect(classifyStderr(staleText.split('\n').filter((l) => l.startsWith('cannot')).join('\n')).kind).toBe('resume-token-stale');
  });

  it('parses holds and the bookmark list, whose cursor guid is its snapshot guid', () => {
    expect(parseHolds(read('holds'), cmd).map((h) => [h.snapshot, h.tag])).toEqual([
      [`tank/data@${SNAP.first}`, 'keep'],
      ['tank/my docs@s1', 'keep me'],
    ]);
    const bookmarks = parseBookmarkList(read('list-bookmarks'), cmd);
    const cursor = bookmarks.find((b) => b.version.name.startsWith('xrepl_CURSOR_G_'));
    expect(cursor?.filesystem).toBe('tank/data');
    expect(cursor?.version.guid).toBe(guidOf(SNAP.second));
  });

  it('reads the pool features that decide resumable receive and bookmark cursors', () => {
    expect(parsePoolFeatures(read('zpool-features')).get('tank')).toEqual({ extensibleDataset: true, bookmarks: true });
  });
});
