import { describe, expect, it } from 'vitest';
import * as xrepl from '../src/index.js';

describe('package root', () => {
  it('exports the public API by name', () => {
    for (const name of [
      'incrementalPath',
      'keepRulesFromConfig',
      'pruneSnapshots',
      'filesystemFilter',
      'ConfigError',
      'createMemoryPool',
      'createReplicationJob',
      'createZfsEndpoint',
      'createSshTransport',
    ] as const) {
      expect(typeof xrepl[name], name).toBe('function');
    }
    for (const name of ['jobMachine', 'replicationMachine', 'filesystemMachine', 'prunerMachine', 'snapshotterMachine'] as const) {
      expect(typeof xrepl[name].provide, name).toBe('function');
    }
  });

  it('throws ConfigError instances that name the offending field', () => {
    expect(() => xrepl.keepRulesFromConfig([{ type: 'last_n', count: 0 }])).toThrow(xrepl.ConfigError);
    expect(() => xrepl.keepRulesFromConfig([{ type: 'last_n', count: 0 }])).toThrow(/count/);
    expect(() => xrepl.filesystemFilter({ 'tank/-bad name!': true })).toThrow(xrepl.ConfigError);
  });
});
