import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSshTransport } from '../../src/transport/ssh-transport.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';

describe('ssh transport', () => {
  it('builds a batch-mode ssh command with port, key, user and options, and one quoted remote command', () => {
    const t = createSshTransport({ host: 'backup.example', user: 'root', port: 2222, identityFile: '/k/id', options: ['ConnectTimeout=5'], shareConnection: false });
    expect(t.zfsCommand(['send', 'tank/my fs@s'])).toEqual({
      file: 'ssh',
      args: ['-o', 'BatchMode=yes', '-p', '2222', '-i', '/k/id', '-o', 'IdentitiesOnly=yes', '-l', 'root', '-o', 'ConnectTimeout=5', '--', 'backup.example', "env LC_ALL=C 'zfs' 'send' 'tank/my fs@s'"],
      env: { LC_ALL: 'C' },
    });
    expect(t.name).toBe('ssh:root@backup.example:2222');
    expect(t.remote).toBe(true);
  });

  it('shares one connection between calls (ControlMaster in a 0700 folder of this user), the caller\'s options first so they win', () => {
    const t = createSshTransport({ host: 'backup.example', options: ['ControlMaster=no'] });
    const args = t.zfsCommand(['list']).args;
    const opts = args.slice(0, args.indexOf('--')).filter((_, i, all) => all[i - 1] === '-o');
    expect(opts.indexOf('ControlMaster=no')).toBeLessThan(opts.indexOf('ControlMaster=auto'));
    const path = opts.find((o) => o.startsWith('ControlPath='))?.slice('ControlPath='.length) ?? '';
    expect(path).toMatch(/xrepl-ssh-\d+\/%C$/);
    const dir = path.slice(0, -'/%C'.length);
    expect(statSync(dir).mode & 0o077).toBe(0);
    expect(opts).toContain('ControlPersist=60');
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

describe('the C locale', () => {
  it('the remote zfs runs under env LC_ALL=C, which a POSIX shell runs as one command', async () => {
    const { execFileSync } = await import('node:child_process');
    const t = createSshTransport({ host: 'h', zfsPath: 'printenv' });
    const remote = t.zfsCommand(['LC_ALL']).args.at(-1) ?? '';
    // The remote login shell parses the one command string; /bin/sh stands in for it.
    expect(execFileSync('/bin/sh', ['-c', remote], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'de_DE.UTF-8' } }).toString()).toBe('C\n');
  });
});

describe('local transport', () => {
  it('passes the arguments as an array to zfs, no shell involved', () => {
    expect(createLocalTransport().zfsCommand(['list', 'a b; rm'])).toEqual({ file: 'zfs', args: ['list', 'a b; rm'], env: { LC_ALL: 'C' } });
  });
});

describe('ssh options the transports pass', () => {
  it('both ssh transports log in with the configured key only (IdentitiesOnly=yes), set before the caller\'s options so none can undo it', async () => {
    const { stdinServerSshArgs } = await import('../../src/serve/stdinserver-connect.js');
    const zfs = createSshTransport({ host: 'h', identityFile: '/k/id', options: ['ConnectTimeout=5'], shareConnection: false }).zfsCommand(['list']).args;
    const serve = stdinServerSshArgs({ host: 'h', identityFile: '/k/id', options: ['ConnectTimeout=5'] });
    for (const args of [zfs, serve]) {
      expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 4)).toEqual(['-i', '/k/id', '-o', 'IdentitiesOnly=yes']);
      expect(args.indexOf('IdentitiesOnly=yes')).toBeLessThan(args.indexOf('ConnectTimeout=5'));
    }
  });

  it('both refuse a command-running option unless it is allowed by name', async () => {
    const { stdinServerSshArgs } = await import('../../src/serve/stdinserver-connect.js');
    expect(() => createSshTransport({ host: 'h', options: ['ProxyCommand=nc %h %p'] })).toThrow(/ssh option ProxyCommand is not on/);
    expect(() => stdinServerSshArgs({ host: 'h', options: ['LocalCommand=id', 'PermitLocalCommand=yes'] })).toThrow(/ssh option LocalCommand is not on/);
    const allowed = createSshTransport({ host: 'h', options: ['ProxyCommand=nc %h %p'], allowUnsafeOptions: ['proxycommand'], shareConnection: false });
    expect(allowed.zfsCommand(['list']).args).toContain('ProxyCommand=nc %h %p');
  });
});
