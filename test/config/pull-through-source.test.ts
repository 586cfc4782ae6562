import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../src/config/config-problem.js';
import { parseConfig } from '../../src/config/parse-config.js';

const pullJob = (snapshotting: string): string =>
  [
    'jobs:',
    '  - name: fetch',
    '    type: pull',
    '    connect: { type: ssh+stdinserver, host: prod.example, identity_file: /root/.ssh/id_pull }',
    '    filesystems: { "tank/data<": true }',
    '    root_fs: backup/prod',
    `    snapshotting: ${snapshotting}`,
    '    pruning: { keep_sender: [], keep_receiver: [] }',
    '',
  ].join('\n');

describe('a pull job through ssh+stdinserver', () => {
  it('is refused with periodic snapshotting, naming the key, since a source takes no snapshots for a puller', () => {
    let error: unknown;
    try {
      parseConfig(pullJob('{ type: periodic, prefix: xrepl_, interval: 10m }'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(String(error instanceof Error ? error.message : error)).toMatch(/jobs\[0\]\.snapshotting.*ssh\+stdinserver.*manual/s);
  });

  it('is accepted with manual snapshotting', () => {
    expect(parseConfig(pullJob('{ type: manual }')).jobs[0]?.name).toBe('fetch');
  });
});
