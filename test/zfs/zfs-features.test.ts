import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import { readFixture } from './read-fixture.js';

describe('featuresFromUsage', () => {
  it('reads zfs-fuse 0.7 (recorded here): holds only; no estimates, bookmarks, resume, comma lists, get -t or receive -o', () => {
    expect(featuresFromUsage(readFixture('zfs-fuse-usage.txt'), ['zfs'])).toEqual({
      sendEstimate: false,
      bookmarks: false,
      resumableReceive: false,
      holds: true,
      holdsList: false,
      destroyCommaList: false,
      multiSnapshot: false,
      getTypeFilter: false,
      receiveProperties: false,
    });
  });

  it('reads OpenZFS 2.2 (reconstructed usage): every feature present', () => {
    expect(featuresFromUsage(readFixture('openzfs-2.1-usage.txt'), ['zfs'])).toEqual({
      sendEstimate: true,
      bookmarks: true,
      resumableReceive: true,
      holds: true,
      holdsList: true,
      destroyCommaList: true,
      multiSnapshot: true,
      getTypeFilter: true,
      receiveProperties: true,
    });
  });

  it('refuses text that is no zfs usage (say, a remote shell error)', () => {
    expect(() => featuresFromUsage('bash: zfs: command not found\n', ['ssh', 'host', 'zfs'])).toThrow(EndpointError);
  });
});
