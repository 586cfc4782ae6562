import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import {
  encryptionRefusal,
  needsEncryptionCheck,
  receiveOptionArgs,
  sendOptionFlags,
  unsupportedReceiveOptions,
  unsupportedSendOptions,
} from '../../src/zfs/transfer-flags.js';
import { createPlaceholderArgs, receiveArgs, sendArgs } from '../../src/zfs/zfs-args.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import { readFixture } from './read-fixture.js';

const zfsFuse = featuresFromUsage(readFixture('zfs-fuse-usage.txt'), ['zfs']);
const openzfs = featuresFromUsage(readFixture('openzfs-2.3-usage.txt'), ['zfs']);

describe('send options as zfs send flags', () => {
  it('maps each option onto its flag', () => {
    expect(sendOptionFlags({ properties: true })).toEqual(['-p']);
    expect(sendOptionFlags({ backupProperties: true })).toEqual(['-b']);
    expect(sendOptionFlags({ largeBlocks: true, compressed: true, embeddedData: true })).toEqual(['-L', '-c', '-e']);
    expect(sendOptionFlags({ raw: true, properties: true })).toEqual(['-w', '-p']);
    expect(sendOptionFlags(undefined)).toEqual([]);
    expect(sendOptionFlags({ raw: false, compressed: false })).toEqual([]);
  });

  it('sends raw for encrypted: true, and leaves out what -w implies (-L -c -e)', () => {
    expect(sendOptionFlags({ encrypted: true })).toEqual(['-w']);
    expect(sendOptionFlags({ encrypted: true, largeBlocks: true, compressed: true, embeddedData: true })).toEqual(['-w']);
    expect(sendOptionFlags({ encrypted: false })).toEqual([]);
  });

  it('puts the flags before the incremental base and the snapshot', () => {
    expect(sendArgs({ filesystem: 'tank/a', from: 'tank/a@s1', to: 'tank/a@s2', flags: ['-w', '-p'] })).toEqual(['send', '-w', '-p', '-i', 'tank/a@s1', 'tank/a@s2']);
    expect(sendArgs({ filesystem: 'tank/a', to: 'tank/a@s2', flags: ['-c'], dryRunEstimate: true })).toEqual(['send', '-n', '-v', '-P', '-c', 'tank/a@s2']);
  });

  it('gives a resumed send no flags: the token carries them', () => {
    expect(sendArgs({ filesystem: 'tank/a', resumeToken: '1-abc', flags: ['-p'] })).toEqual(['send', '-t', '1-abc']);
  });

  it('refuses anything but a send option flag', () => {
    expect(() => sendArgs({ filesystem: 'tank/a', to: 'tank/a@s', flags: ['-R'] })).toThrow(/not a send option flag/);
  });

  it('names what zfs-fuse lacks, by configuration key and zfs flag', () => {
    expect(unsupportedSendOptions({ raw: true, compressed: true, largeBlocks: true, embeddedData: true, backupProperties: true, properties: true }, zfsFuse)).toEqual([
      'raw (zfs send -w)',
      'backup_properties (zfs send -b)',
      'large_blocks (zfs send -L)',
      'compressed (zfs send -c)',
      'embedded_data (zfs send -e)',
    ]);
    expect(unsupportedSendOptions({ encrypted: true }, zfsFuse)).toEqual(['encrypted (zfs send -w)']);
    expect(unsupportedSendOptions({ raw: true, compressed: true, largeBlocks: true, embeddedData: true, backupProperties: true, properties: true }, openzfs)).toEqual([]);
  });
});

describe('encrypted filesystems', () => {
  it('refuses an encrypted filesystem when the job does not say how to send it', () => {
    const refusal = encryptionRefusal(undefined, true, 'tank/secret');
    expect(refusal).toBeInstanceOf(EndpointError);
    expect(refusal?.kind).toBe('not-allowed');
    expect(refusal?.message).toMatch(/tank\/secret is encrypted.*send\.encrypted: true.*send\.encrypted: false/);
  });

  it('refuses an unencrypted filesystem under encrypted: true', () => {
    expect(encryptionRefusal({ encrypted: true }, false, 'tank/plain')?.message).toMatch(/tank\/plain is not encrypted/);
  });

  it('lets encrypted ones go raw or, when asked, decrypted; unencrypted ones by default', () => {
    expect(encryptionRefusal({ encrypted: true }, true, 'tank/secret')).toBeUndefined();
    expect(encryptionRefusal({ raw: true }, true, 'tank/secret')).toBeUndefined();
    expect(encryptionRefusal({ encrypted: false }, true, 'tank/secret')).toBeUndefined();
    expect(encryptionRefusal(undefined, false, 'tank/plain')).toBeUndefined();
  });

  it('looks at encryption only where zfs has it and the answer matters', () => {
    expect(needsEncryptionCheck(undefined, zfsFuse)).toBe(false);
    expect(needsEncryptionCheck(undefined, openzfs)).toBe(true);
    expect(needsEncryptionCheck({ encrypted: true }, openzfs)).toBe(true);
    expect(needsEncryptionCheck({ encrypted: false }, openzfs)).toBe(false);
    expect(needsEncryptionCheck({ raw: true }, openzfs)).toBe(false);
  });
});

describe('receive options as zfs receive flags', () => {
  it('maps override onto -o and inherit onto -x', () => {
    expect(receiveOptionArgs({ override: { compression: 'off', 'user:tag': 'a b' }, inherit: ['mountpoint', 'keylocation'] })).toEqual([
      '-o',
      'compression=off',
      '-o',
      'user:tag=a b',
      '-x',
      'mountpoint',
      '-x',
      'keylocation',
    ]);
    expect(receiveOptionArgs(undefined)).toEqual([]);
  });

  it('puts them before the target, after xrepl canmount=noauto, which an own canmount replaces', () => {
    expect(receiveArgs('backup/a@s', { force: false, resumable: true, canmountNoauto: true, properties: ['-x', 'mountpoint'] })).toEqual([
      'receive',
      '-u',
      '-s',
      '-o',
      'canmount=noauto',
      '-x',
      'mountpoint',
      'backup/a@s',
    ]);
    expect(receiveArgs('backup/a@s', { force: false, resumable: true, canmountNoauto: true, properties: ['-o', 'canmount=off'] })).toEqual([
      'receive',
      '-u',
      '-s',
      '-o',
      'canmount=off',
      'backup/a@s',
    ]);
  });

  it('refuses a bad property name or value before any command line', () => {
    expect(() => receiveOptionArgs({ inherit: ['-F'] })).toThrow(/invalid property name/);
    expect(() => receiveOptionArgs({ override: { Compression: 'off' } })).toThrow(/invalid property name/);
    expect(() => receiveOptionArgs({ override: { compression: 'off\n' } })).toThrow(/newline/);
  });

  it('names what zfs-fuse lacks (receive -o and -x)', () => {
    expect(unsupportedReceiveOptions({ override: { compression: 'off' }, inherit: ['mountpoint'] }, zfsFuse)).toEqual([
      'recv.properties.override (zfs receive -o)',
      'recv.properties.inherit (zfs receive -x)',
    ]);
    expect(unsupportedReceiveOptions({ override: { compression: 'off' }, inherit: ['mountpoint'] }, openzfs)).toEqual([]);
    expect(unsupportedReceiveOptions({ placeholderEncryption: 'off' }, zfsFuse)).toEqual([]);
  });

  it('makes a placeholder unencrypted with encryption=off when asked', () => {
    expect(createPlaceholderArgs('backup/a', 'xrepl:placeholder', { encryptionOff: true })).toEqual([
      'create',
      '-o',
      'canmount=off',
      '-o',
      'encryption=off',
      '-o',
      'xrepl:placeholder=on',
      'backup/a',
    ]);
    expect(createPlaceholderArgs('backup/a', 'xrepl:placeholder')).not.toContain('encryption=off');
  });
});
