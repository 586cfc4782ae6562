import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/zfs/classify-failure.js';

const base = { command: ['zfs', 'destroy', 'p/f@s'], exitCode: 1, signal: undefined, aborted: false, remote: false };

describe('classifyFailure', () => {
  it.each([
    ["cannot destroy 'p/f@s': dataset is busy\n", 'dataset-busy', 'transient'],
    ["cannot receive incremental stream: most recent snapshot of p/f does not\nmatch incremental source\n", 'incremental-base-mismatch', 'permanent'],
    ['cannot receive incremental stream: destination p/f has been modified\nsince most recent snapshot\n', 'destination-modified', 'permanent'],
    ["cannot receive new filesystem stream: destination 'p/f' exists\nmust specify -F to overwrite it\n", 'dataset-exists', 'permanent'],
    ['cannot receive new filesystem stream: invalid backup stream\n', 'stream-invalid', 'transient'],
    ["warning: cannot send 'p/f@s': Broken pipe\n", 'stream-broken', 'transient'],
    ["cannot open 'p/f@nope': dataset does not exist\n", 'dataset-not-found', 'permanent'],
    // zfs-fuse 0.7's words for a send whose planned snapshot or base is gone or was re-created.
    ['WARNING: could not send p/f@nope: does not exist\n', 'dataset-not-found', 'permanent'],
    ["warning: cannot send 'p/f@s2': incremental source (@nope) does not exist\n", 'dataset-not-found', 'permanent'],
    ["warning: cannot send 'p/f@s3': not an earlier snapshot from the same fs\n", 'dataset-not-found', 'permanent'],
    ["cannot open 'p/f@a,b': invalid dataset name\n", 'invalid-name', 'permanent'],
    ["invalid option 'n'\nusage:\n", 'unsupported', 'permanent'],
    ['something nobody expected\n', 'unknown', 'permanent'],
  ] as const)('%j is %s (%s)', (stderr, kind, errorClass) => {
    const e = classifyFailure({ ...base, stderr });
    expect(e.kind).toBe(kind);
    expect(e.errorClass).toBe(errorClass);
    expect(e.stderr).toBe(stderr);
    expect(e.command).toEqual(base.command);
  });

  it('puts the first stderr line in the message', () => {
    expect(classifyFailure({ ...base, stderr: "cannot destroy 'p/f@s': dataset is busy\n" }).message).toContain('dataset is busy');
  });

  it('calls a process we stopped aborted, whatever it printed', () => {
    expect(classifyFailure({ ...base, stderr: 'invalid backup stream', aborted: true, signal: 'SIGTERM' }).kind).toBe('aborted');
  });

  it('calls a process killed by a signal we did not send killed, and transient', () => {
    const e = classifyFailure({ ...base, stderr: '', exitCode: undefined, signal: 'SIGKILL' });
    expect([e.kind, e.errorClass]).toEqual(['killed', 'transient']);
    expect(e.message).toContain('SIGKILL');
  });

  it('reads ssh exit 255 as a lost connection: transient when the network failed, permanent when login was refused', () => {
    const refused = classifyFailure({ ...base, remote: true, exitCode: 255, stderr: 'ssh: connect to host h port 22: Connection refused\n' });
    expect([refused.kind, refused.errorClass]).toEqual(['connection-lost', 'transient']);
    const reset = classifyFailure({ ...base, remote: true, exitCode: 255, stderr: 'Connection reset by peer\n' });
    expect([reset.kind, reset.errorClass]).toEqual(['connection-lost', 'transient']);
    const denied = classifyFailure({ ...base, remote: true, exitCode: 255, stderr: 'root@h: Permission denied (publickey).\n' });
    expect([denied.kind, denied.errorClass]).toEqual(['connection-lost', 'permanent']);
  });

  it('does not read a local exit 255 as ssh failing', () => {
    expect(classifyFailure({ ...base, exitCode: 255, stderr: 'internal error: /usr/lib/zfs/pyzfs.py not found\n' }).kind).toBe('unknown');
  });

  it('classifies timeouts as transient', () => {
    const e = classifyFailure({ ...base, stderr: 'operation timed out\n' });
    expect([e.kind, e.errorClass]).toEqual(['timeout', 'transient']);
  });
});
