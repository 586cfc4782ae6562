/**
 * `connect: { type: ssh+stdinserver }`: one ssh login that the server's authorized_keys line
 * forces into `xrepl serve --stdio --client NAME` (zrepl's `stdinserver`). The command ssh asks
 * for is never run there: without a forced command it fails by name, so a misconfigured key
 * gets a login shell's "not found", never a shell speaking to the protocol.
 */
import { spawn } from 'node:child_process';
import { sshTransportOptionsProblem, type SshTransportOptions } from '../transport/ssh-transport.js';
import { setStreamRef } from './stream-ref.js';
import type { ByteChannel } from './framed-connection.js';

/** Where and how to log in: the ssh transport's options, less what only zfs-over-ssh uses. */
export type StdinServerOptions = Pick<SshTransportOptions, 'host' | 'user' | 'port' | 'identityFile' | 'options' | 'allowUnsafeOptions' | 'sshPath'>;

/** The command asked for; a forced command replaces it, so it only ever runs when there is none. */
export const UNFORCED_COMMAND = 'xrepl-serve-needs-an-authorized_keys-forced-command';

/** The ssh arguments (exported for tests and docs). */
export function stdinServerSshArgs(o: StdinServerOptions): string[] {
  const problem = sshTransportOptionsProblem(o);
  if (problem !== undefined) throw new TypeError(`ssh+stdinserver: ${problem}`);
  // -T: no terminal, which would mangle binary frames; -e none: no escape character either.
  const args = ['-T', '-e', 'none', '-o', 'BatchMode=yes'];
  if (o.identityFile !== undefined) args.push('-i', o.identityFile, '-o', 'IdentitiesOnly=yes');
  if (o.port !== undefined) args.push('-p', String(o.port));
  if (o.user !== undefined) args.push('-l', o.user);
  for (const opt of o.options ?? []) args.push('-o', opt);
  return [...args, '--', o.host, UNFORCED_COMMAND];
}

/** Runs ssh and returns its stdin/stdout as the channel; what ssh printed is the close reason. */
export async function connectStdinServer(o: StdinServerOptions): Promise<ByteChannel> {
  const child = spawn(o.sshPath ?? 'ssh', stdinServerSshArgs(o), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4096);
  });
  setStreamRef(child.stderr, false);
  child.unref();
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return {
    input: child.stdout,
    output: child.stdin,
    close: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
    closeReason: () => {
      const text = stderr.trim();
      return text === '' ? undefined : `ssh: ${text.split('\n').slice(-3).join(' / ')}`;
    },
  };
}
