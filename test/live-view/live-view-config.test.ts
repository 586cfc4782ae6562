import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';

describe('global.live_view', () => {
  const config = (global: string) =>
    parseConfig(`global:\n${global}\nmemory_pools: { a: {}, b: {} }\njobs:\n  - { name: j, type: local, sender: { type: memory, pool: a }, receiver: { type: memory, pool: b }, filesystems: { "p<": true }, root_fs: r, snapshotting: { type: manual }, pruning: { keep_sender: [], keep_receiver: [] } }\n`);
  it('listens on loopback when the host is left out, unlike monitoring', () => {
    const parsed = config('  live_view: { listen: ":9812" }\n  monitoring: { listen: ":9811" }');
    expect(parsed.global.liveView).toEqual({ host: '127.0.0.1', port: 9812 });
    expect(parsed.global.monitoring).toEqual({ host: '0.0.0.0', port: 9811 });
    expect(config('  logging: { level: info }').global.liveView).toBeUndefined();
  });
  it('refuses an address that is not host:port, naming the key', () => {
    expect(() => config('  live_view: { listen: "localhost" }')).toThrow(/live_view\.listen: expected "host:port"/);
  });
});
