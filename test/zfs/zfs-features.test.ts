import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import { readFixture } from './read-fixture.js';

describe('featuresFromUsage', () => {
  it('reads zfs-fuse 0.7 (recorded here): holds and send -p only; no estimates, bookmarks, resume, comma lists, get -t, receive -o/-x or send -w/-c/-L/-e/-b', () => {
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
      receiveExclude: false,
      sendRaw: false,
      sendCompressed: false,
      sendLargeBlocks: false,
      sendEmbeddedData: false,
      sendProperties: true,
      sendBackupProperties: false,
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
      receiveExclude: true,
      sendRaw: true,
      sendCompressed: true,
      sendLargeBlocks: true,
      sendEmbeddedData: true,
      sendProperties: true,
      sendBackupProperties: true,
    });
  });

  it('reads the send and receive options of the recorded OpenZFS 2.3 usage', () => {
    expect(featuresFromUsage(readFixture('openzfs-2.3-usage.txt'), ['zfs'])).toMatchObject({
      receiveProperties: true,
      receiveExclude: true,
      sendRaw: true,
      sendCompressed: true,
      sendLargeBlocks: true,
      sendEmbeddedData: true,
      sendProperties: true,
      sendBackupProperties: true,
    });
  });

  it('refuses text that is no zfs usage (say, a remote shell error)', () => {
    expect(() => featuresFromUsage('bash: zfs: command not found\n', ['ssh', 'host', 'zfs'])).toThrow(EndpointError);
  });
});
