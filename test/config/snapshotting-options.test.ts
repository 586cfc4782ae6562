import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';

const config = (snapshotting: string): string =>
  [
    'jobs:',
    '  - name: backup',
    '    type: local',
    '    filesystems: { "tank/data<": true }',
    '    root_fs: backup/data',
    `    snapshotting: ${snapshotting}`,
    '    pruning: { keep_sender: [], keep_receiver: [] }',
    '',
  ].join('\n');

const problem = (snapshotting: string): string => {
  try {
    parseConfig(config(snapshotting));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return '';
};

describe('snapshotting options', () => {
  it('reads cron, timestamp_format, timestamp_location and hooks with zrepl\'s defaults', () => {
    const job = parseConfig(
      config('{ type: cron, prefix: xrepl_, cron: "*/15 * * * *", timestamp_format: iso-8601, timestamp_location: Europe/Berlin, hooks: [{ type: command, path: /usr/local/bin/freeze, err_is_fatal: true }] }'),
    ).jobs[0];
    expect(job?.snapshotting).toEqual({
      type: 'cron',
      cron: '*/15 * * * *',
      prefix: 'xrepl_',
      naming: { format: 'iso-8601', location: 'Europe/Berlin' },
      hooks: [{ path: '/usr/local/bin/freeze', timeoutMs: 30_000, errIsFatal: true, filesystems: undefined }],
    });
  });

  it('defaults a periodic job to dense UTC names and no hooks', () => {
    expect(parseConfig(config('{ type: periodic, prefix: xrepl_, interval: 10m }')).jobs[0]?.snapshotting).toMatchObject({
      naming: { format: 'dense', location: 'UTC' },
      hooks: [],
    });
  });

  it('names the job and key of each bad value', () => {
    expect(problem('{ type: cron, prefix: xrepl_, cron: "0 3 * *" }')).toMatch(/jobs\[0\]\.snapshotting\.cron.*expected 5 fields/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, timestamp_format: nothing }')).toMatch(/jobs\[0\]\.snapshotting\.timestamp_format.*"nothing" is neither/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, timestamp_format: "2006/01/02" }')).toMatch(/timestamp_format.*ZFS refuses/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, timestamp_format: iso-8601, timestamp_location: Nowhere/Land }')).toMatch(/timestamp_location.*unknown time zone "Nowhere\/Land"/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, timestamp_location: Europe/Berlin }')).toMatch(/timestamp_location.*writes UTC without an offset/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, hooks: [{ type: command, path: freeze.sh }] }')).toMatch(/hooks\[0\]\.path.*absolute path/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, hooks: [{ type: shell, path: /x }] }')).toMatch(/hooks\[0\]\.type/);
    expect(problem('{ type: periodic, prefix: xrepl_, interval: 1h, hooks: [{ type: command, path: /x, timeout: soon }] }')).toMatch(/hooks\[0\]\.timeout/);
  });
});
