/**
 * Resumable receive and the fault matrix on real OpenZFS, through the library's job with zfs
 * endpoints reaching the guest over ssh: a transfer stopped in mid-stream is resumed from the
 * receiver's token with fewer bytes than the whole stream; a stale token is cleared and replaced
 * by a fresh send; a killed send, a failing receive, a busy target and a SIGKILLed xrepl each end
 * in a rerun that converges.
 */
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import type { InvocationReport } from '../../src/report/job-report.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { CLI, ensureBuilt } from '../e2e/helpers/built-cli.js';
import { guestMounted, guestWriteFile } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, guestRun, q, vmTransport, type GuestPools, type OpenZfsVm } from './helpers/openzfs-vm.js';

const live = (): AbortSignal => new AbortController().signal;

describeOnOpenZfs('resumable receive and faults', (vm) => {
  let pools: GuestPools;
  beforeAll(async () => {
    await ensureBuilt();
    pools = await createGuestPools(vm(), ['src', 'dst'], '512M');
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  /** A sender filesystem with one snapshot of `mib` MiB of random data, and a receiver root. */
  const setUp = async (name: string, mib: number): Promise<{ fs: string; root: string; sender: Endpoint; receiver: Endpoint }> => {
    const base = `${pools.pool('src')}/${name}`;
    const fs = `${base}/data`;
    const root = `${pools.pool('dst')}/${name}`;
    await guest(vm(), `zfs create -p ${q(fs)} && zfs create ${q(root)}`);
    await guest(vm(), `head -c ${mib * 1024 * 1024} /dev/urandom > ${q(`${await guestMounted(vm(), fs)}/big.bin`)} && zfs snapshot ${q(`${fs}@s1`)}`);
    const sender = createZfsEndpoint({ role: 'sender', transport: vmTransport(vm()), filter: { matches: (p) => isSameOrBelow(p, fs) }, roots: [fs] });
    const receiver = createZfsEndpoint({ role: 'receiver', transport: vmTransport(vm()), rootFs: root });
    return { fs, root, sender, receiver };
  };
  const runJob = async (name: string, sender: Endpoint, receiver: Endpoint): Promise<InvocationReport> => {
    const job = createReplicationJob({ name, sender, receiver, watchdogTimeoutMs: 120_000, retry: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 1000 } });
    try {
      const report = await job.runOnce();
      if (report.last === undefined) throw new Error('the job reported no invocation');
      return report.last;
    } finally {
      job.stop();
    }
  };
  const tokenOf = async (fs: string): Promise<string> => (await guest(vm(), `zfs get -H -o value receive_resume_token ${q(fs)}`)).trim();
  const guidOf = async (name: string): Promise<string> => (await guest(vm(), `zfs get -Hp -o value guid ${q(name)}`)).trim();

  /** Starts a full receive and stops it after `bytes` bytes, leaving a resume token behind. */
  const interrupt = async (sender: Endpoint, receiver: Endpoint, fs: string, bytes: number): Promise<void> => {
    const [s1] = (await sender.listVersions([fs], live())).get(fs) ?? [];
    if (s1 === undefined) throw new Error('test setup: no snapshot');
    const abort = new AbortController();
    const sent = await sender.send({ filesystem: fs, to: s1 }, abort.signal);
    // Counted on the way through (a 'data' listener would start the flow before the receive reads).
    let seen = 0;
    const stream = sent.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          seen += chunk.length;
          if (seen >= bytes) abort.abort();
          done(null, chunk);
        },
      }),
    );
    await receiver.receive({ filesystem: fs, to: s1, stream }, abort.signal).then(
      () => {
        throw new Error('the receive completed although it was aborted');
      },
      () => undefined,
    );
  };

  it('resumes a transfer stopped in mid-stream from the receiver token, sending fewer bytes than the whole stream', async () => {
    const { fs, root, sender, receiver } = await setUp(`r${randomBytes(2).toString('hex')}`, 24);
    await interrupt(sender, receiver, fs, 8 * 1024 * 1024);
    expect(await tokenOf(`${root}/${fs}`)).toMatch(/^1-/);
    const report = await runJob('resume', sender, receiver);
    expect(report.ok, JSON.stringify(report.replication?.filesystems)).toBe(true);
    const step = report.replication?.filesystems.find((f) => f.filesystem === fs)?.completedSteps.find((s) => s.kind === 'transfer');
    expect(step?.resumed).toBe(true);
    expect(step?.bytes).toBeGreaterThan(0);
    expect(step?.bytes).toBeLessThan(22 * 1024 * 1024);
    expect(await guidOf(`${root}/${fs}@s1`)).toBe(await guidOf(`${fs}@s1`));
    expect(await tokenOf(`${root}/${fs}`)).toBe('-');
  });

  it('clears a stale token (its snapshot destroyed on the sender) and replicates afresh within one run', async () => {
    const { fs, root, sender, receiver } = await setUp(`t${randomBytes(2).toString('hex')}`, 12);
    await interrupt(sender, receiver, fs, 4 * 1024 * 1024);
    expect(await tokenOf(`${root}/${fs}`)).toMatch(/^1-/);
    await guest(vm(), `zfs destroy ${q(`${fs}@s1`)} && zfs snapshot ${q(`${fs}@s2`)}`);
    const report = await runJob('stale', sender, receiver);
    expect(report.ok, JSON.stringify(report.replication?.filesystems)).toBe(true);
    expect(await guidOf(`${root}/${fs}@s2`)).toBe(await guidOf(`${fs}@s2`));
    expect(await tokenOf(`${root}/${fs}`)).toBe('-');
  });

  it('converges after a failing receive (quota exceeded on the receiver) once the cause is gone', async () => {
    const { fs, root, sender, receiver } = await setUp(`q${randomBytes(2).toString('hex')}`, 8);
    await guest(vm(), `zfs set quota=2M ${q(root)}`);
    const failed = await runJob('quota', sender, receiver);
    expect(failed.ok).toBe(false);
    const problem = failed.replication?.filesystems.find((f) => f.filesystem === fs)?.problem;
    expect(problem?.message).toMatch(/quota|space/i);
    await guest(vm(), `zfs set quota=none ${q(root)}`);
    const rerun = await runJob('quota', sender, receiver);
    expect(rerun.ok, JSON.stringify(rerun.replication?.filesystems)).toBe(true);
    expect(await guidOf(`${root}/${fs}@s1`)).toBe(await guidOf(`${fs}@s1`));
  });

  /** Runs the built CLI in the guest on a local job and returns the child so a test can hurt it. */
  const guestCliJob = async (name: string, fs: string, root: string): Promise<{ config: string; run: () => Promise<{ exitCode: number; stdout: string; stderr: string }> }> => {
    const config = `/tmp/${name}.yml`;
    await guestWriteFile(
      vm(),
      config,
      Buffer.from(
        [
          'jobs:',
          `  - name: ${name}`,
          '    type: local',
          `    filesystems: { "${fs}<": true }`,
          `    root_fs: ${root}`,
          '    snapshotting: { type: manual }',
          '    pruning: { keep_sender: [ { type: regex, regex: ".*" } ], keep_receiver: [ { type: regex, regex: ".*" } ] }',
          '    watchdog_timeout: 3m',
          '',
        ].join('\n'),
      ),
    );
    const run = () => guestRun(vm(), [`${vm().stateDir}/hostbin/node`, CLI, 'run', '--config', config, '--once', '--json'].map(q).join(' '), { timeoutMs: 300_000 });
    return { config, run };
  };

  const killDuring = async (vmRef: OpenZfsVm, pattern: string, signal: 'KILL' | 'TERM', run: () => Promise<unknown>): Promise<void> => {
    const running = run();
    // Kill it once the stream is flowing (the receive has a partial state). The first character
    // in brackets keeps the pattern from matching the shell that runs pgrep itself.
    const self = `[${pattern.slice(0, 1)}]${pattern.slice(1)}`;
    await guest(vmRef, `for i in $(seq 1 600); do pgrep -f ${q(self)} >/dev/null && break; sleep 0.1; done; sleep 1; pkill -${signal} -f ${q(self)}; true`);
    await running;
  };

  it('converges after zfs send is killed mid-stream', async () => {
    const name = `k${randomBytes(2).toString('hex')}`;
    const { fs, root } = await setUp(name, 24);
    const { run } = await guestCliJob(name, fs, root);
    await killDuring(vm(), `zfs send.*${fs}@s1`, 'KILL', run);
    const rerun = await run();
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).toBe(0);
    expect(await guidOf(`${root}/${fs}@s1`)).toBe(await guidOf(`${fs}@s1`));
  });

  it('converges after xrepl itself is SIGKILLed mid-transfer, leaving no zfs process behind', async () => {
    const name = `x${randomBytes(2).toString('hex')}`;
    const { fs, root } = await setUp(name, 24);
    const { run, config } = await guestCliJob(name, fs, root);
    await killDuring(vm(), `main.js run --config ${config}`, 'KILL', run);
    // The killed process's zfs children may finish or fail on their own; none may hang for ever.
    await guest(vm(), `for i in $(seq 1 300); do pgrep -f ${q(`[z]fs (send|receive).*${name}`)} >/dev/null || exit 0; sleep 0.2; done; exit 1`);
    const rerun = await run();
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).toBe(0);
    expect(await guidOf(`${root}/${fs}@s1`)).toBe(await guidOf(`${fs}@s1`));
  });

  it('lands the next incremental while the receiver holds a user hold on its base snapshot', async () => {
    const name = `b${randomBytes(2).toString('hex')}`;
    const { fs, root, sender, receiver } = await setUp(name, 4);
    const first = await runJob('busy', sender, receiver);
    expect(first.ok).toBe(true);
    // The received snapshot is held and a clone of it keeps the filesystem busy; the next incremental still lands.
    await guest(vm(), `zfs hold busy ${q(`${root}/${fs}@s1`)} && echo x > ${q(`${await guestMounted(vm(), fs)}/x`)} && zfs snapshot ${q(`${fs}@s2`)}`);
    const second = await runJob('busy', sender, receiver);
    expect(second.ok, JSON.stringify(second.replication?.filesystems)).toBe(true);
    expect(await guidOf(`${root}/${fs}@s2`)).toBe(await guidOf(`${fs}@s2`));
    await guest(vm(), `zfs release busy ${q(`${root}/${fs}@s1`)}`);
  });
});
