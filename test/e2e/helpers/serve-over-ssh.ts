/**
 * What the `xrepl serve` end-to-end tests share: the authorized_keys forced command that runs the
 * built CLI's server, the `connect:` block of a client's config for a key of the test sshd, a
 * remote endpoint over real ssh for hand-made requests, and the names in a pool.
 */
import { sh } from '../../integration/helpers/real-zfs.js';
import type { TestSshd } from '../../helpers/test-sshd.js';
import { connectStdinServer } from '../../../src/serve/stdinserver-connect.js';
import { type RemoteEndpoint, createRemoteEndpoint } from '../../../src/serve/remote-endpoint.js';
import type { ServiceRole } from '../../../src/serve/protocol-messages.js';
import { CLI } from './built-cli.js';

/** authorized_keys options forcing a key into the built server for one client (and one job). */
export function forcedServe(client: string, config: string, job?: string): string {
  return `command="${process.execPath} ${CLI} serve --stdio --client ${client} --config ${config}${job !== undefined ? ` --job ${job}` : ''}",restrict`;
}

/** The `connect:` lines (indented for a job) that reach the test sshd with one of its keys. */
export function stdinServerConnect(sshd: TestSshd, identityFile: string): string[] {
  return [
    '    connect:',
    '      type: ssh+stdinserver',
    `      host: ${sshd.host}`,
    `      port: ${sshd.port}`,
    `      user: ${sshd.user}`,
    `      identity_file: ${identityFile}`,
    `      options: [ ${sshd.options.map((o) => JSON.stringify(o)).join(', ')} ]`,
  ];
}

/** A remote endpoint through real ssh with a client's key: the library's own client, for hand-made calls. */
export function remoteOverSsh(sshd: TestSshd, identityFile: string, role: ServiceRole): RemoteEndpoint {
  return createRemoteEndpoint({
    name: `test:${role}`,
    role,
    connect: () => connectStdinServer({ host: sshd.host, port: sshd.port, user: sshd.user, identityFile, options: sshd.options }),
  });
}

/** Every dataset, snapshot and bookmark name below a dataset, sorted. */
export async function namesBelow(dataset: string): Promise<string[]> {
  return (await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'all', '-r', dataset)).split('\n').filter((l) => l.length > 0).sort();
}

/** The snapshot names of one filesystem, oldest first. */
export async function snapshotsOf(fs: string): Promise<string[]> {
  return (await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-s', 'createtxg', '-d', '1', fs).catch(() => ''))
    .split('\n')
    .filter((l) => l.startsWith(`${fs}@`))
    .map((l) => l.slice(fs.length + 1));
}
