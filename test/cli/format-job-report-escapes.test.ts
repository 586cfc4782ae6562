import { describe, expect, it } from 'vitest';
import { formatRunResult } from '../../src/cli/format-job-report.js';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

// What a hostile remote or a broken zfs could print: clear screen, a title change, CSI as one C1 byte.
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007\u009b31m\r';

describe('the run report in a terminal', () => {
  it('escapes control characters of every message and name that comes from zfs, ssh or the pools', async () => {
    const src = createMemoryPool({ name: 'src' });
    const dst = createMemoryPool({ name: 'dst' });
    src.createFilesystem('tank/a');
    src.snapshot('tank/a', 's1');
    dst.createFilesystem('backup');
    const job = createReplicationJob({ name: 'j', sender: src.sender({ filter: filesystemFilter({ 'tank/a': true }) }), receiver: dst.receiver({ rootFs: 'backup' }) });
    const report = await job.runOnce();
    job.stop();
    const invocation = report.last;
    expect(invocation?.replication?.filesystems[0]).toBeDefined();
    // The report is plain data: give it what a hostile side could have put into it.
    const fs = invocation!.replication!.filesystems[0]!;
    fs.filesystem = `tank/a${HOSTILE}`;
    fs.problem = { message: `cannot receive: ${HOSTILE}`, kind: 'unknown', errorClass: 'permanent', at: '1970-01-01T00:00:00.000Z' };
    invocation!.replication!.problem = { message: `planning: ${HOSTILE}`, kind: 'unknown', errorClass: 'permanent', at: '1970-01-01T00:00:00.000Z' };
    const text = formatRunResult({ ok: false, jobs: [{ job: 'j', ok: false, report, error: `ssh: ${HOSTILE}` }] });
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\r');
  });
});
