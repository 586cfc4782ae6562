import { describe, expect, it } from 'vitest';
import { createSshTransport } from '../../src/transport/ssh-transport.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';

describe('ssh transport', () => {
  it('builds a batch-mode ssh command with port, key, user and options, and one quoted remote command', () => {
    const t = createSshTransport({ host: 'backup.example', user: 'root', port: 2222, identityFile: '/k/id', options: ['ConnectTimeout=5'] });
    expect(t.zfsCommand(['send', 'tank/my fs@s'])).toEqual({
      file: 'ssh',
      args: ['-o', 'BatchMode=yes', '-p', '2222', '-i', '/k/id', '-l', 'root', '-o', 'ConnectTimeout=5', '--', 'backup.example', "'zfs' 'send' 'tank/my fs@s'"],
    });
    expect(t.name).toBe('ssh:root@backup.example:2222');
    expect(t.remote).toBe(true);
  });

  it.each([
    [{ host: '-oProxyCommand=evil' }, /host/],
    [{ host: 'h', user: 'a b' }, /user/],
    [{ host: 'h', port: 0 }, /port/],
    [{ host: 'h', options: ['-F/etc/x'] }, /Key=Value/],
    [{ host: 'h', identityFile: '-oX' }, /identityFile/],
  ])('refuses %j, naming the field', (options, message) => {
    expect(() => createSshTransport(options)).toThrow(message);
  });
});

describe('local transport', () => {
  it('passes the arguments as an array to zfs, no shell involved', () => {
    expect(createLocalTransport().zfsCommand(['list', 'a b; rm'])).toEqual({ file: 'zfs', args: ['list', 'a b; rm'] });
  });
});
