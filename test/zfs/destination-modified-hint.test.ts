import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/zfs/classify-failure.js';

describe('"destination has been modified"', () => {
  const error = classifyFailure({
    command: ['zfs', 'receive', '-u', 'backup/tank/data@s2'],
    exitCode: 1,
    signal: undefined,
    stderr: "cannot receive incremental stream: destination backup/tank/data has been modified\nsince most recent snapshot\n",
    aborted: false,
    remote: false,
    dataset: 'backup/tank/data@s2',
  });

  it('is a permanent destination-modified error', () => {
    expect(error.kind).toBe('destination-modified');
    expect(error.transient).toBe(false);
  });

  it('says what changes a replica (a mount, access times, a write) and how to recover (rollback, readonly, canmount)', () => {
    expect(error.message).toMatch(/mount/);
    expect(error.message).toMatch(/access times/);
    expect(error.message).toMatch(/write/);
    expect(error.message).toContain('zfs rollback');
    expect(error.message).toContain('readonly=on');
    expect(error.message).toContain('canmount=noauto');
  });
});
