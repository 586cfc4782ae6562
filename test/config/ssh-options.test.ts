/**
 * The ssh options a config may pass are an allow-list: a key that can run a command, load a
 * library, forward access or undo BatchMode/IdentitiesOnly is a config error naming the key,
 * for both connect types, unless the connect names it in allow_unsafe_options.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';
import { SAFE_SSH_OPTIONS } from '../../src/transport/ssh-option-policy.js';
import { configProblemLines } from './config-problems.js';

const push = (connect: string): string => `
jobs:
  - name: offsite
    type: push
    connect: ${connect}
    filesystems: { "tank<": true }
    root_fs: backup/tank
    snapshotting: { type: manual }
    pruning: { keep_sender: [ { type: not_replicated } ], keep_receiver: [ { type: last_n, count: 3 } ] }
`;


const UNSAFE = [
  'ProxyCommand=nc %h %p',
  'LocalCommand=touch /tmp/x',
  'PermitLocalCommand=yes',
  'KnownHostsCommand=/bin/true',
  'PKCS11Provider=/tmp/evil.so',
  'SecurityKeyProvider=/tmp/evil.so',
  'ProxyJump=jump.example',
  'ForwardAgent=yes',
  'RemoteForward=9000 localhost:22',
  'RemoteCommand=sh',
  'SendEnv=*',
  'IdentitiesOnly=no',
  'IdentityFile=/root/.ssh/id_rsa',
  'BatchMode=no',
  'proxycommand=nc %h %p',
];

describe.each(['ssh', 'ssh+stdinserver'])('connect type %s', (type) => {
  it.each(UNSAFE)('refuses %s, naming the key', (option) => {
    const problems = configProblemLines(push(`{ type: ${type}, host: backup.example, options: [ ${JSON.stringify(option)} ] }`));
    const key = option.slice(0, option.indexOf('='));
    expect(problems).toEqual([expect.stringContaining(`jobs[0].connect (job "offsite"): ssh option ${key} is not on xrepl's list of safe ssh options`)]);
    expect(problems[0]).toContain('allow_unsafe_options');
  });

  it('accepts the options that only tune how ssh reaches and checks the server', () => {
    const options = ['StrictHostKeyChecking=yes', 'UserKnownHostsFile=/etc/xrepl/known_hosts', 'ConnectTimeout=10', 'ServerAliveInterval=15', 'Compression=no', 'ControlMaster=no'];
    expect(configProblemLines(push(`{ type: ${type}, host: backup.example, options: ${JSON.stringify(options)} }`))).toEqual([]);
  });

  it('passes an unsafe key the operator named in allow_unsafe_options, and only that one', () => {
    const allowed = `{ type: ${type}, host: backup.example, allow_unsafe_options: [ ProxyCommand ], options: [ "ProxyCommand=nc %h %p" ] }`;
    const config = parseConfig(push(allowed), 'test.yml');
    const receiver = config.jobs[0]?.receiver;
    expect(receiver !== undefined && 'ssh' in receiver ? receiver.ssh.allowUnsafeOptions : undefined).toEqual(['ProxyCommand']);
    const other = `{ type: ${type}, host: backup.example, allow_unsafe_options: [ ProxyCommand ], options: [ "LocalCommand=id" ] }`;
    expect(configProblemLines(push(other))[0]).toContain('ssh option LocalCommand is not on');
  });

  it('refuses every key outside the safe list (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}$/).filter((k) => !SAFE_SSH_OPTIONS.has(k.toLowerCase())),
        (key) => {
          const problems = configProblemLines(push(`{ type: ${type}, host: backup.example, options: [ "${key}=x" ] }`));
          expect(problems).toEqual([expect.stringContaining(`ssh option ${key} is not on`)]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
