/**
 * A real OpenSSH server on loopback for one test file: host and client keys made in a temporary
 * folder, root login by key only, started in the foreground (`sshd -D`) and stopped afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'vitest';

/** Set to 1 (by `.ci/run`) to make a missing sshd a failure instead of a skip. */
export const REQUIRE_SSH = process.env.XREPL_REQUIRE_SSH === '1';

/** The sshd program Debian's openssh-server installs. */
export const SSHD_PATH = process.env.XREPL_SSHD_PATH ?? '/usr/sbin/sshd';

/** Why a test sshd cannot run here, or undefined when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(SSHD_PATH)) return `${SSHD_PATH} is missing (apt-get install openssh-server)`;
  if (spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' }).error) return 'ssh-keygen is missing (apt-get install openssh-client)';
  if (userInfo().uid !== 0) return 'the test sshd logs in as the current user only when run as root';
  return undefined;
}

/** A describe block that needs sshd: skipped with its reason, or failing under XREPL_REQUIRE_SSH=1. */
export function describeWithSshd(name: string, body: () => void): void {
  const reason = sshdUnavailableReason();
  if (reason === undefined) describe(name, body);
  else if (REQUIRE_SSH) {
    describe(name, () => {
      it('needs sshd (XREPL_REQUIRE_SSH=1)', () => {
        throw new Error(`XREPL_REQUIRE_SSH=1 but a test sshd cannot run: ${reason}`);
      });
    });
  } else {
    console.warn(`[xrepl] skipping "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

/** A running test sshd and how to reach it. */
export interface TestSshd {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  /** ssh `-o` options that trust exactly this server's host key. */
  options: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** Starts sshd on 127.0.0.1 with keys made for this run; resolves once it accepts connections. */
/** Options of {@link startTestSshd}. */
export interface TestSshdOptions {
  /** authorized_keys options before the client key, e.g. `command="...",restrict` for a forced command. */
  keyOptions?: string | undefined;
}

export async function startTestSshd(start: TestSshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'xrepl-sshd-'));
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  keygen(hostKey);
  keygen(clientKey);
  const prefix = start.keyOptions !== undefined ? `${start.keyOptions} ` : '';
  await writeFile(join(dir, 'authorized_keys'), `${prefix}${await readFile(`${clientKey}.pub`, 'utf8')}`, { mode: 0o600 });
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
    'LogLevel ERROR',
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
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const options = [`UserKnownHostsFile=${knownHosts}`, 'StrictHostKeyChecking=yes', 'ConnectTimeout=10'];
  const sshd: TestSshd = {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    identityFile: clientKey,
    options,
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
    });
    // With a forced command the probe runs that command instead of `true`; a login is what counts.
    if (probe.status === 0 || (start.keyOptions !== undefined && !/Permission denied|Connection refused/.test(probe.stderr))) return sshd;
    await sleep(100);
  }
  await sshd.stop();
  throw new Error(`test sshd on port ${port} never accepted a login: ${log}`);
}
