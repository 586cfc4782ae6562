import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { isValidDatasetName } from '../../src/domain/dataset-name.js';
import {
  createPlaceholderArgs,
  destroySnapshotsArgs,
  getPropertiesArgs,
  holdArgs,
  receiveArgs,
  sendArgs,
  setPropertyArgs,
  snapshotArgs,
} from '../../src/zfs/zfs-args.js';

const kindOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof EndpointError ? e.kind : 'other';
  }
  return undefined;
};

describe('zfs argument lists', () => {
  it('sends incrementals with -i and the full names, fulls without', () => {
    expect(sendArgs({ filesystem: 'p/f', from: 'p/f@a', to: 'p/f@b' })).toEqual(['send', '-i', 'p/f@a', 'p/f@b']);
    expect(sendArgs({ filesystem: 'p/f', to: 'p/f@b' })).toEqual(['send', 'p/f@b']);
    expect(sendArgs({ filesystem: 'p/f', to: 'p/f@b', dryRunEstimate: true })).toEqual(['send', '-n', '-v', '-P', 'p/f@b']);
    expect(sendArgs({ filesystem: 'p/f', resumeToken: '1-abc-9f' })).toEqual(['send', '-t', '1-abc-9f']);
  });

  it('receives never mounted, forced only when asked, resumable only when asked', () => {
    expect(receiveArgs('p/f@s', { force: false, resumable: false })).toEqual(['receive', '-u', 'p/f@s']);
    expect(receiveArgs('p/f@s', { force: true, resumable: true })).toEqual(['receive', '-u', '-F', '-s', 'p/f@s']);
  });

  it('receives with canmount=noauto where zfs takes receive -o, so a received filesystem never mounts on its own', () => {
    expect(receiveArgs('p/f@s', { force: false, resumable: true, canmountNoauto: true })).toEqual(['receive', '-u', '-s', '-o', 'canmount=noauto', 'p/f@s']);
  });

  it('creates placeholders unmountable and marked', () => {
    expect(createPlaceholderArgs('p/a', 'xrepl:placeholder')).toEqual(['create', '-o', 'canmount=off', '-o', 'xrepl:placeholder=on', 'p/a']);
  });

  it('lists with -d 1 or -r and the requested columns', () => {
    expect(getPropertiesArgs({ properties: ['guid', 'createtxg'], roots: ['p/a'], depth: 1, withSource: false })).toEqual([
      'get', '-Hp', '-d', '1', '-o', 'name,property,value', 'guid,createtxg', 'p/a',
    ]);
    expect(getPropertiesArgs({ properties: ['type'], roots: [], depth: 'recursive', withSource: true, types: ['filesystem'] })).toEqual([
      'get', '-Hp', '-r', '-t', 'filesystem', '-o', 'name,property,value,source', 'type',
    ]);
  });

  it('joins several snapshots of one filesystem with commas for destroy', () => {
    expect(destroySnapshotsArgs('p/f', ['a', 'b'])).toEqual(['destroy', 'p/f@a,b']);
  });

  it('refuses every invalid dataset name with invalid-name before building anything', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (name) => {
        fc.pre(!isValidDatasetName(name, 'snapshot'));
        expect(kindOf(() => snapshotArgs([name]))).toBe('invalid-name');
        expect(kindOf(() => receiveArgs(name, { force: false, resumable: false }))).toBe(isValidDatasetName(name) ? undefined : 'invalid-name');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses names that could be read as options, and hostile tags and properties', () => {
    expect(kindOf(() => sendArgs({ filesystem: '-R', to: '-R@x' }))).toBe('invalid-name');
    expect(kindOf(() => holdArgs('-r', 'p/f@s'))).toBe('invalid-name');
    expect(kindOf(() => setPropertyArgs('mountpoint', '/x', 'p/f'))).toBe('invalid-name');
    expect(kindOf(() => sendArgs({ filesystem: 'p/f', resumeToken: '1-x; rm -rf /' }))).toBe('invalid-name');
  });
});
