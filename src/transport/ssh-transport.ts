import { connectionSharingOptions } from './ssh-connection-sharing.js';
import { quoteShellCommand } from './shell-quote.js';
import { DEFAULT_ZFS_PATH } from './local-transport.js';
import { sshOptionPolicyProblem } from './ssh-option-policy.js';
import { ZFS_ENV, zpoolPathFor, type SpawnCommand, type Transport } from './transport.js';

/** Options of {@link createSshTransport}. */
export interface SshTransportOptions {
  /** Host name or address of the machine with the pool. */
  host: string;
  /** Remote user; ssh's default (its config, else the local user) when absent. */
  user?: string | undefined;
  /** Remote port; ssh's default when absent. */
  port?: number | undefined;
  /** Private key file (`ssh -i`). */
  identityFile?: string | undefined;
  /** Extra `-o` options as `Key=Value`, e.g. `StrictHostKeyChecking=yes`; only safe keys (see ssh-option-policy.ts). */
  options?: readonly string[] | undefined;
  /** Keys of `options` allowed although they are not on the safe list (e.g. `ProxyCommand`). */
  allowUnsafeOptions?: readonly string[] | undefined;
  /** The local ssh program; `ssh` by default. */
  sshPath?: string | undefined;
  /** The zfs program on the remote machine; `zfs` by default. */
  zfsPath?: string | undefined;
  /** Share one ssh connection between the calls (ControlMaster); on by default. */
  shareConnection?: boolean | undefined;
}

const hostPattern = /^[A-Za-z0-9_.:%[\]-]+$/;
const userPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const sshOptionPattern = /^[A-Za-z][A-Za-z0-9]*=[^\n\r\0]*$/;

/** Why the options are unusable, naming the field, or undefined when they are fine. */
export function sshTransportOptionsProblem(o: SshTransportOptions): string | undefined {
  if (!hostPattern.test(o.host) || o.host.startsWith('-')) {
    return `host ${JSON.stringify(o.host)} is not a host name or address`;
  }
  if (o.user !== undefined && !userPattern.test(o.user)) return `user ${JSON.stringify(o.user)} is not a user name`;
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) {
    return `port ${String(o.port)} is not between 1 and 65535`;
  }
  if (o.identityFile !== undefined && (o.identityFile.length === 0 || o.identityFile.startsWith('-'))) {
    return `identityFile ${JSON.stringify(o.identityFile)} is not a file path`;
  }
  for (const opt of o.options ?? []) {
    if (!sshOptionPattern.test(opt)) return `ssh option ${JSON.stringify(opt)} is not of the form Key=Value`;
    const policy = sshOptionPolicyProblem(opt, o.allowUnsafeOptions);
    if (policy !== undefined) return policy;
  }
  return undefined;
}

/**
 * A transport that runs zfs on another machine through `ssh -o BatchMode=yes` (never a password
 * prompt). The remote command is one string in which every argument is single-quoted for the
 * remote POSIX shell; streams travel over ssh's stdin and stdout.
 */
export function createSshTransport(options: SshTransportOptions): Transport {
  const problem = sshTransportOptionsProblem(options);
  if (problem !== undefined) throw new TypeError(`ssh transport: ${problem}`);
  const sshArgs = ['-o', 'BatchMode=yes'];
  if (options.port !== undefined) sshArgs.push('-p', String(options.port));
  // Only the configured key: an agent's other keys could log in with other forced commands (or none).
  if (options.identityFile !== undefined) sshArgs.push('-i', options.identityFile, '-o', 'IdentitiesOnly=yes');
  if (options.user !== undefined) sshArgs.push('-l', options.user);
  for (const opt of options.options ?? []) sshArgs.push('-o', opt);
  // ssh takes the first value given for an option, so the caller's options (above) win over these:
  // `ControlMaster=no` turns sharing off.
  if (options.shareConnection !== false) for (const opt of connectionSharingOptions()) sshArgs.push('-o', opt);
  const zfsPath = options.zfsPath ?? DEFAULT_ZFS_PATH;
  const userPart = options.user !== undefined ? `${options.user}@` : '';
  const portPart = options.port !== undefined ? `:${options.port}` : '';
  const zpoolPath = zpoolPathFor(zfsPath);
  const remoteCommand = (program: string, args: readonly string[]): SpawnCommand => ({
    file: options.sshPath ?? 'ssh',
    args: [...sshArgs, '--', options.host, `env LC_ALL=C ${quoteShellCommand([program, ...args])}`],
    env: ZFS_ENV,
  });
  return {
    name: `ssh:${userPart}${options.host}${portPart}`,
    remote: true,
    ...(zpoolPath !== undefined ? { zpoolCommand: (args: readonly string[]): SpawnCommand => remoteCommand(zpoolPath, args) } : {}),
    zfsCommand(args: readonly string[]): SpawnCommand {
      // `--` ends ssh's options, so the host and the command are never read as options. The remote
      // zfs runs under `env LC_ALL=C` (an assignment prefix would not work in csh or fish login
      // shells; env does in every shell), so its messages are the C locale's that xrepl classifies;
      // ssh itself runs with LC_ALL=C locally. A missing remote zfs then makes env exit 127.
      return { file: options.sshPath ?? 'ssh', args: [...sshArgs, '--', options.host, `env LC_ALL=C ${quoteShellCommand([zfsPath, ...args])}`], env: ZFS_ENV };
    },
  };
}
