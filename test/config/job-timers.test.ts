import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';

function config(job: string): string {
  return `
jobs:
  - name: j
    type: local
    filesystems: { "tank<": true }
    root_fs: backup
    snapshotting: { type: manual }
    pruning: { keep_sender: [], keep_receiver: [] }
${job}`;
}

describe('job timers in the config', () => {
  it('accepts the default retry schedule under the default watchdog', () => {
    expect(parseConfig(config('')).jobs[0]?.name).toBe('j');
  });

  it('refuses a retry schedule that cannot fit in watchdog_timeout, naming both', () => {
    const text = config(`    watchdog_timeout: 1m
    replication:
      retry: { max_attempts: 5, initial_delay: 10s, max_delay: 5m }`);
    expect(() => parseConfig(text)).toThrow(/jobs\[0\]\.replication\.retry.*150000 ms in all \(10000 \+ 20000 \+ 40000 \+ 80000 ms\).*watchdog_timeout \(60000 ms\)/s);
  });

  it.each([['watchdog_timeout: 30d', 'watchdog_timeout'], ['interval: 4w', 'interval']])('refuses %s, longer than a timer holds', (line, key) => {
    expect(() => parseConfig(config(`    ${line}`))).toThrow(new RegExp(`jobs\\[0\\]\\.${key}.*longer than a timer can wait`, 's'));
  });
});
