/**
 * Real OpenZFS for the test suites: the VMs that `.ci/openzfs-vm up` started, found through
 * `XREPL_OPENZFS_VMS` (a file of the JSON lines `up` printed, or the lines themselves). Each test
 * file makes its own file-backed pools inside the guest, named `xrepl_t<random>_<suffix>`, and
 * destroys only those. Commands run over one ssh ControlMaster connection per file: a new login
 * costs over a second under emulation, a multiplexed command a fraction of that.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, it, vi } from 'vitest';
import { createSshTransport } from '../../../src/transport/ssh-transport.js';
import type { Transport } from '../../../src/transport/transport.js';

/** The OpenZFS versions the suite runs on. */
export type OpenZfsVersion = '2.1' | '2.3';
export const OPENZFS_VERSIONS: readonly OpenZfsVersion[] = ['2.1', '2.3'];

/** One line of `.ci/openzfs-vm up`. */
export interface OpenZfsVm {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  zfsVersion: string;
  disks: string[];
  stateDir: string;
}

/** Set to 1 (by `.ci/run`) to make a missing OpenZFS VM a failure instead of a skip. */
export const REQUIRE_OPENZFS = process.env.XREPL_REQUIRE_OPENZFS === '1';

function isVm(value: unknown): value is OpenZfsVm {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.host === 'string' && typeof v.port === 'number' && typeof v.identityFile === 'string' && typeof v.zfsVersion === 'string' && typeof v.stateDir === 'string';
}

/** The VMs announced to this run, by version. */
export function announcedVms(): Map<OpenZfsVersion, OpenZfsVm> {
  const spec = process.env.XREPL_OPENZFS_VMS ?? '';
  const text = spec.trim().startsWith('{') ? spec : spec !== '' && existsSync(spec) ? readFileSync(spec, 'utf8') : '';
  const vms = new Map<OpenZfsVersion, OpenZfsVm>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed: unknown = JSON.parse(line);
    if (!isVm(parsed)) throw new Error(`XREPL_OPENZFS_VMS: not a line of .ci/openzfs-vm up: ${line}`);
    for (const version of OPENZFS_VERSIONS) if (parsed.zfsVersion.startsWith(`${version}.`)) vms.set(version, parsed);
  }
  return vms;
}

/** The ssh options every connection to a test VM uses: its key, no host key checks (a VM of the run), one shared connection. */
export function vmSshOptions(vm: OpenZfsVm): string[] {
  return [
    'StrictHostKeyChecking=no',
    'UserKnownHostsFile=/dev/null',
    'LogLevel=ERROR',
    'ControlMaster=auto',
    `ControlPath=${join(vm.stateDir, 'cm-%C')}`,
    'ControlPersist=120',
    'ServerAliveInterval=15',
  ];
}

/** The ssh transport of xrepl into the VM. */
export function vmTransport(vm: OpenZfsVm): Transport {
  return createSshTransport({ host: vm.host, port: vm.port, user: vm.user, identityFile: vm.identityFile, options: vmSshOptions(vm) });
}

/** What a command in the guest printed. */
export interface GuestResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a shell command line in the guest (as root), optionally feeding stdin. */
export async function guestRun(vm: OpenZfsVm, command: string, options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<GuestResult> {
  const args = ['-i', vm.identityFile, '-p', String(vm.port), '-o', 'BatchMode=yes', ...vmSshOptions(vm).flatMap((o) => ['-o', o]), `${vm.user}@${vm.host}`, command];
  const r = await execa('ssh', args, {
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
    encoding: 'utf8',
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command in the guest and returns its stdout; throws with stderr when it fails. */
export async function guest(vm: OpenZfsVm, command: string, options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<string> {
  const r = await guestRun(vm, command, options);
  if (r.exitCode !== 0) throw new Error(`in the OpenZFS ${vm.zfsVersion} guest, \`${command}\` failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Single-quotes a word for the guest's shell. */
export function q(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A describe block per OpenZFS version with a VM announced: skipped with a visible reason when the
 * version has none, failing instead under XREPL_REQUIRE_OPENZFS=1.
 */
export function describeOnOpenZfs(name: string, body: (vm: () => OpenZfsVm, version: OpenZfsVersion) => void): void {
  // Under software emulation one zfs command takes a tenth of a second and a CLI run tens of seconds.
  vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });
  let vms: Map<OpenZfsVersion, OpenZfsVm>;
  try {
    vms = announcedVms();
  } catch (err) {
    describe(name, () => {
      it('reads XREPL_OPENZFS_VMS', () => {
        throw err;
      });
    });
    return;
  }
  for (const version of OPENZFS_VERSIONS) {
    const vm = vms.get(version);
    const title = `${name} [OpenZFS ${version}]`;
    if (vm !== undefined) {
      describe(title, () => body(() => vm, version));
    } else {
      const reason = `no OpenZFS ${version} VM announced in XREPL_OPENZFS_VMS (start one with .ci/openzfs-vm up ${version})`;
      if (REQUIRE_OPENZFS) {
        describe(title, () => {
          it('needs the OpenZFS VM (XREPL_REQUIRE_OPENZFS=1)', () => {
            throw new Error(`XREPL_REQUIRE_OPENZFS=1 but ${reason}`);
          });
        });
      } else {
        console.warn(`[xrepl] skipping "${title}": ${reason}`);
        describe.skip(`${title} (skipped: ${reason})`, () =>
          body(() => {
            throw new Error(reason);
          }, version),
        );
      }
    }
  }
}

/** File-backed pools in the guest, made for one test file. */
export interface GuestPools {
  /** The random part shared by this file's pool names (also matches its processes). */
  tag: string;
  pool(suffix: string): string;
  destroy(): Promise<void>;
}

/** Creates one file-backed pool per suffix inside the guest: `xrepl_t<random>_<suffix>`. */
export async function createGuestPools(vm: OpenZfsVm, suffixes: readonly string[], size = '384M'): Promise<GuestPools> {
  const tag = `xrepl_t${randomBytes(4).toString('hex')}`;
  const name = (s: string): string => `${tag}_${s}`;
  const script = suffixes
    .map((s) => `truncate -s ${size} /var/tmp/${name(s)}.img && zpool create -f -O mountpoint=/mnt/${name(s)} ${name(s)} /var/tmp/${name(s)}.img`)
    .join(' && ');
  await guest(vm, script);
  return {
    tag,
    pool: name,
    async destroy() {
      for (const s of suffixes) {
        await guestRun(vm, `zpool destroy -f ${name(s)}; rm -f /var/tmp/${name(s)}.img`);
      }
    },
  };
}
