import { describe, expect, it } from 'vitest';
import { filesystemsFromRows } from '../../src/zfs/list-filesystems.js';
import { parsePropertyRows } from '../../src/zfs/property-rows.js';
import { readFixture } from './read-fixture.js';

describe('filesystemsFromRows (OpenZFS 2.2 get with receive_resume_token, reconstructed recording)', () => {
  const rows = parsePropertyRows(readFixture('openzfs-get-filesystems.txt'), {
    command: ['zfs', 'get'],
    properties: ['type', 'xrepl:placeholder', 'receive_resume_token'],
    withSource: true,
  });
  const infos = filesystemsFromRows(rows, new Set());

  it('lists filesystems and volumes, not snapshots', () => {
    expect(infos.map((i) => i.path)).toEqual(['backup', 'backup/tank', 'backup/tank/data', 'backup/tank/vol']);
  });

  it('marks only a locally set placeholder, not one inherited from a placeholder parent', () => {
    expect(infos.map((i) => i.placeholder)).toEqual([false, true, false, false]);
  });

  it('never counts a marked filesystem that has snapshots as a placeholder: received data always has one', () => {
    const again = filesystemsFromRows(rows, new Set(['backup/tank']));
    expect(again.find((i) => i.path === 'backup/tank')?.placeholder).toBe(false);
  });

  it('carries the resume token of an interrupted receive', () => {
    expect(infos[2]?.resumeToken).toMatch(/^1-10e5ad5cb4-f8-789c/);
    expect(infos[1]?.resumeToken).toBeUndefined();
  });
});
