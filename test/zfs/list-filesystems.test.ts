import { describe, expect, it } from 'vitest';
import { filesystemsFromRows } from '../../src/zfs/list-filesystems.js';
import { parsePropertyRows } from '../../src/zfs/property-rows.js';
import { readFixture } from './read-fixture.js';

describe('filesystemsFromRows (OpenZFS 2.1 get with receive_resume_token, recorded in the VM)', () => {
  const rows = parsePropertyRows(readFixture('openzfs-2.1-get-receiver.txt'), {
    command: ['zfs', 'get'],
    properties: ['type', 'xrepl:placeholder', 'receive_resume_token'],
    withSource: true,
  });
  // The recording's received filesystem has a snapshot; its placeholder parent has none.
  const infos = filesystemsFromRows(rows, new Set(['backup/tank/data']));

  it('lists the filesystems in the order zfs printed them', () => {
    expect(infos.map((i) => i.path)).toEqual(['backup', 'backup/tank', 'backup/tank/data']);
  });

  it('marks only a locally set placeholder, not one inherited from a placeholder parent', () => {
    expect(infos.map((i) => i.placeholder)).toEqual([false, true, false]);
  });

  it('never counts a marked filesystem that has snapshots as a placeholder: received data always has one', () => {
    const again = filesystemsFromRows(rows, new Set(['backup/tank']));
    expect(again.find((i) => i.path === 'backup/tank')?.placeholder).toBe(false);
  });

  it('carries the resume token of an interrupted receive', () => {
    expect(infos[2]?.resumeToken).toBe(readFixture('openzfs-2.1-resume-token.txt').trim());
    expect(infos[1]?.resumeToken).toBeUndefined();
  });
});
