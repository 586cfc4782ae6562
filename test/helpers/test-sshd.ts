/**
 * A real OpenSSH server on loopback for one test file or benchmark: host and client keys made in a
 * temporary folder, root login by key only, started in the foreground (`sshd -D -e`) and stopped
 * afterwards. Each client key may carry its own authorized_keys options (a forced command), and
 * the server's log counts logins, so a test can check how many a run made. No vitest here, so
 * the benchmarks use it too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

/** The sshd program Debian's openssh-server installs. */
export const SSHD_PATH = process.env.XREPL_SSHD_PATH ?? '/usr/sbin/sshd';

/** A running test sshd and how to reach it. */
export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** The key of the default client (the one with `keyOptions`). */
  identityFile: string;
  /** The key of each named client of `clients`. */
  identityFiles: Readonly<Record<string, string>>;
  /** ssh `-o` options that trust exactly this server's host key. */
  options: string[];
  /** Logins accepted since the server was ready (the readiness probe's are not counted). */
  logins(): number;
  stop(): Promise<void>;
}

/** Options of {@link startTestSshd}. */
export interface TestSshdOptions {
  /** authorized_keys options before the default client key, e.g. `command="...",restrict` for a forced command. */
  keyOptions?: string | undefined;
  /** More client keys, by name, each with its own authorized_keys options. */
  clients?: Readonly<Record<string, string>> | undefined;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** Starts sshd on 127.0.0.1 with keys made for this run; resolves once it accepts connections. */
export async function startTestSshd(start: TestSshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'xrepl-sshd-'));
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  keygen(hostKey);
  keygen(clientKey);
  const line = async (options: string | undefined, key: string): Promise<string> =>
    `${options !== undefined ? `${options} ` : ''}${(await readFile(`${key}.pub`, 'utf8')).trim()}\n`;
  let authorized = await line(start.keyOptions, clientKey);
  const identityFiles: Record<string, string> = {};
  for (const [name, options] of Object.entries(start.clients ?? {})) {
    const key = join(dir, `client_${name.replace(/[^A-Za-z0-9_-]/g, '_')}_key`);
    keygen(key);
    identityFiles[name] = key;
    authorized += await line(options, key);
  }
  await writeFile(join(dir, 'authorized_keys'), authorized, { mode: 0o600 });
  const port = await freePort();
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    `PidFile ${join(dir, 'sshd.pid')}`,
    // INFO logs each accepted login, which is what `logins()` counts.
    'LogLevel INFO',
    'MaxStartups 100',
  ].join('\n');
  const configFile = join(dir, 'sshd_config');
  await writeFile(configFile, `${config}\n`);
  const knownHosts = join(dir, 'known_hosts');
  const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
  // sshd refuses to run without its privilege-separation directory.
  spawnSync('mkdir', ['-p', '/run/sshd']);
  const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const accepted = (): number => log.match(/Accepted publickey for /g)?.length ?? 0;
  let baseline = 0;
  const options = [`UserKnownHostsFile=${knownHosts}`, 'StrictHostKeyChecking=yes', 'ConnectTimeout=10'];
  const sshd: TestSshd = {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    identityFile: clientKey,
    identityFiles,
    options,
    logins: () => accepted() - baseline,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited at start: ${log}`);
    const probe = spawnSync('ssh', ['-o', 'BatchMode=yes', ...options.flatMap((o) => ['-o', o]), '-i', clientKey, '-p', String(port), '-l', sshd.user, '127.0.0.1', 'true'], {
      encoding: 'utf8',
      timeout: 10_000,
      input: '',
    });
    // With a forced command the probe runs that command instead of `true`; a login is what counts.
    if (probe.status === 0 || (start.keyOptions !== undefined && !/Permission denied|Connection refused/.test(probe.stderr))) {
      // sshd logs the probe's login asynchronously; wait for it before taking the baseline.
      for (let j = 0; j < 50 && accepted() === 0; j++) await sleep(20);
      baseline = accepted();
      return sshd;
    }
    await sleep(100);
  }
  await sshd.stop();
  throw new Error(`test sshd on port ${port} never accepted a login: ${log}`);
}
