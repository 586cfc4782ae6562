import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseWebListen, runStatusWebCommand } from '../../src/live-view/status-web-command.js';

describe('xrepl status --web', () => {
  it('reads host:port, :port and port, loopback by default', () => {
    expect(parseWebListen('127.0.0.1:9812')).toEqual({ host: '127.0.0.1', port: 9812 });
    expect(parseWebListen(':9812')).toEqual({ host: '127.0.0.1', port: 9812 });
    expect(parseWebListen('9812')).toEqual({ host: '127.0.0.1', port: 9812 });
    expect(parseWebListen('[::1]:9812')).toEqual({ host: '::1', port: 9812 });
    expect(() => parseWebListen('99999')).toThrow('--web "99999": expected "host:port"');
    expect(() => parseWebListen('localhost')).toThrow('expected "host:port"');
  });

  it('fails naming the socket when no daemon listens, and is a usage error for a bad address', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xrepl-web-'));
    try {
      const stderr = new PassThrough();
      let text = '';
      stderr.on('data', (b: Buffer) => (text += b.toString()));
      const context = { stdout: new PassThrough(), stderr };
      expect(await runStatusWebCommand(join(dir, 'none.sock'), true, context)).toBe(1);
      expect(text).toContain(`${join(dir, 'none.sock')}: ENOENT (is the xrepl daemon running?)`);
      expect(await runStatusWebCommand(join(dir, 'none.sock'), 'nowhere', context)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
