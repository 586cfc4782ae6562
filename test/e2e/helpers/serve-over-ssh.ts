/**
 * What the `xrepl serve` end-to-end tests share: the authorized_keys forced command that runs the
 * built CLI's server, the `connect:` block of a client's config for a key of the test sshd, a
 * remote endpoint and a raw protocol session over real ssh for hand-made requests, and the names
 * in a pool.
 */
import { sh } from '../../integration/helpers/real-zfs.js';
import type { TestSshd } from '../../helpers/test-sshd.js';
import { connectStdinServer } from '../../../src/serve/stdinserver-connect.js';
import { type RemoteEndpoint, createRemoteEndpoint } from '../../../src/serve/remote-endpoint.js';
import type { ServiceRole } from '../../../src/serve/protocol-messages.js';
import { FramedConnection } from '../../../src/serve/framed-connection.js';
import { DEFAULT_PROTOCOL_LIMITS, PROTOCOL_NAME, PROTOCOL_VERSION } from '../../../src/serve/protocol-limits.js';
import { CLI } from './built-cli.js';

/**
 * authorized_keys options forcing a key into the built server for one client (and one job);
 * `path` goes first on the server's PATH (e.g. a folder with a zfs wrapper).
 */
export function forcedServe(client: string, config: string, job?: string, path?: string): string {
  const env = path !== undefined ? `env PATH=${path}:/usr/sbin:/usr/bin:/sbin:/bin ` : '';
  return `command="${env}${process.execPath} ${CLI} serve --stdio --client ${client} --config ${config}${job !== undefined ? ` --job ${job}` : ''}",restrict`;
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

/** A hand-made protocol client over real ssh: hello, then raw calls answered by id. */
export interface RawSession {
  /** The welcome, or the refusal, the server answered the hello with. */
  greeting: { t: string; message?: string; methods?: string[] };
  /** Sends a call exactly as given and resolves with the server's answer to it. */
  call(method: string, params: unknown): Promise<{ t: string; value?: unknown; error?: { kind?: string; message?: string } }>;
  /** Writes raw bytes (frames or not) to the server. */
  write(bytes: Buffer): void;
  /** Resolves when the connection has closed. */
  closed: Promise<void>;
  close(): void;
}

/** Opens a raw session with a client's key, asking for a role. */
export async function rawSession(sshd: TestSshd, identityFile: string, role: string): Promise<RawSession> {
  const channel = await connectStdinServer({ host: sshd.host, port: sshd.port, user: sshd.user, identityFile, options: sshd.options });
  const connection = new FramedConnection(channel, DEFAULT_PROTOCOL_LIMITS);
  const waiting = new Map<number, (m: { t: string }) => void>();
  let greet: ((m: RawSession['greeting']) => void) | undefined;
  let done: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (done = resolve));
  const greeting = new Promise<RawSession['greeting']>((resolve) => (greet = resolve));
  connection.start({
    message(raw) {
      const m = raw as { t: string; id?: number };
      if (greet !== undefined) {
        greet(m);
        greet = undefined;
        return;
      }
      if (m.id !== undefined) waiting.get(m.id)?.(m);
    },
    data: () => undefined,
    closed() {
      greet?.({ t: 'closed' });
      for (const w of waiting.values()) w({ t: 'closed' });
      done();
    },
  });
  connection.send({ t: 'hello', protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, role, windowBytes: 65536 });
  let nextId = 1;
  return {
    greeting: await greeting,
    call: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve as (m: { t: string }) => void);
        connection.send({ t: 'call', id, method, params });
      }),
    write: (bytes) => void channel.output.write(bytes),
    closed,
    close: () => connection.close(),
  };
}

/** A server config: sink job `backups` at `rootFs` (with a floor line, if given) and source job `export` of `served<`. */
export function sinkAndSourceConfig(rootFs: string, served: string, floor?: string): string {
  return [
    'jobs:',
    '  - name: backups',
    '    type: sink',
    `    root_fs: ${rootFs}`,
    ...(floor !== undefined ? [`    ${floor}`] : []),
    '  - name: export',
    '    type: source',
    `    filesystems: { "${served}<": true }`,
    '',
  ].join('\n');
}
