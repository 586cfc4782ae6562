import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import type { FaultEffect, EndpointMethod } from '../../src/endpoint/memory/faults.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import type { JobReport } from '../../src/report/job-report.js';
import { drive, makeWorld, newestSnapshot, ProgressRecorder, useEngineFakeTimers, type World } from './harness.js';

/**
 * Properties of the whole engine (job → replication → filesystems, pruners, watchdog) against
 * memory pools, under generated endpoint fault schedules, in fake time.
 */
const RUNS = Number(process.env['XREPL_PROPERTY_RUNS'] ?? 200);
const WATCHDOG_MS = 10_000;
const TICK_MS = 100;
const FILESYSTEMS = 3;

type FaultKind = 'transient' | 'permanent' | 'hang' | 'truncate' | 'slow' | 'createSnapshot' | 'destroyUnsent';

interface GeneratedFault {
  call: EndpointMethod;
  fs: number | null;
  times: number;
  kind: FaultKind;
  afterBytes: number;
}

const senderCalls: EndpointMethod[] = ['listFilesystems', 'listVersions', 'listReplicationCursors', 'estimateSendSize', 'send', 'setReplicationCursor', 'destroySnapshots'];
const receiverCalls: EndpointMethod[] = ['listFilesystems', 'listVersions', 'receive', 'destroySnapshots'];
const LISTING_CALLS: ReadonlySet<EndpointMethod> = new Set(['listFilesystems', 'listVersions', 'listReplicationCursors']);

/** Whether a call of one side and a call of the other run at the same time: planning's listings, a transfer's two ends. */
function runTogether(a: EndpointMethod, b: EndpointMethod): boolean {
  if (LISTING_CALLS.has(a) && LISTING_CALLS.has(b)) return true;
  return (a === 'send' && b === 'receive') || (a === 'receive' && b === 'send');
}

function faultArb(kinds: readonly FaultKind[]) {
  return fc.record({
    side: fc.constantFrom<'src' | 'dst'>('src', 'dst'),
    callIndex: fc.nat(),
    fs: fc.option(fc.integer({ min: 0, max: FILESYSTEMS - 1 }), { nil: null }),
    times: fc.integer({ min: 1, max: 2 }),
    kind: fc.constantFrom(...kinds),
    afterBytes: fc.integer({ min: 1, max: 400 }),
  }).map(({ side: drawn, callIndex, ...rest }): GeneratedFault & { side: 'src' | 'dst' } => {
    // A snapshot destroyed on the sender while its stream is being received leaves the receiver
    // with a snapshot the sender no longer has: a real divergence, which xrepl reports and does not
    // resolve by destroying receiver data. Destroys happen at sender calls: between planning and
    // the send that would need the snapshot.
    const side = rest.kind === 'destroyUnsent' ? 'src' : drawn;
    const calls = side === 'src' ? senderCalls : receiverCalls;
    return { side, call: calls[callIndex % calls.length] as EndpointMethod, ...rest };
  });
}

function install(world: World, faults: readonly (GeneratedFault & { side: 'src' | 'dst' })[]): void {
  let created = 0;
  for (const f of faults) {
    const pool = f.side === 'src' ? world.src : world.dst;
    const fsName = f.fs === null ? undefined : f.side === 'src' ? `tank/fs${f.fs}` : `backup/tank/fs${f.fs}`;
    const target = `tank/fs${f.fs ?? 0}`;
    let effect: FaultEffect;
    switch (f.kind) {
      case 'transient':
        effect = { type: 'error', errorClass: 'transient' };
        break;
      case 'permanent':
        effect = { type: 'error', errorClass: 'permanent' };
        break;
      case 'hang':
        effect = { type: 'hang' };
        break;
      case 'truncate':
        effect = { type: 'truncate', afterBytes: f.afterBytes };
        break;
      case 'slow':
        effect = { type: 'slow', bytesPerChunk: 100, delayMs: 700 };
        break;
      case 'createSnapshot':
        effect = {
          type: 'run',
          action: () => {
            created++;
            world.src.write(target, 'data', `late write ${created}`);
            world.src.snapshot(target, `late${created}`);
          },
        };
        break;
      case 'destroyUnsent':
        effect = {
          type: 'run',
          action: () => {
            // A snapshot the receiver does not have yet and that is not the newest: planning may
            // have planned to send it.
            const received = new Set(world.dst.hasFilesystem(`backup/${target}`) ? world.dst.versions(`backup/${target}`).map((v) => v.guid) : []);
            const newest = newestSnapshot(world.src, target);
            const victim = world.src
              .versions(target)
              .find((v) => v.type === 'snapshot' && !received.has(v.guid) && v.guid !== newest?.guid && v.userRefs === 0);
            if (victim) world.src.destroySnapshot(target, victim.name);
          },
        };
        break;
    }
    pool.faults.add({ call: f.call, filesystem: fsName, times: f.times, effect });
  }
}

interface Run {
  world: World;
  recorder: ProgressRecorder;
  job: ReturnType<typeof createReplicationJob>;
  violations: string[];
}

/** Endpoints that check every destroy against the pruning guarantees before passing it on. */
function guarded(world: World, jobId: string, violations: string[]): { sender: Endpoint; receiver: Endpoint } {
  const sender = world.src.sender();
  const receiver = world.dst.receiver({ rootFs: 'backup' });
  const guardedSender: Endpoint = Object.create(sender) as Endpoint;
  guardedSender.destroySnapshots = async (fs, names, signal) => {
    const cursors = await sender.listReplicationCursors(jobId, signal);
    const cursor = cursors.get(fs);
    for (const name of names) {
      const v = world.src.versions(fs).find((x) => x.type === 'snapshot' && x.name === name);
      if (!v) continue;
      if (!cursor || v.createTxg > cursor.createTxg) violations.push(`sender ${fs}@${name} destroyed although not replicated`);
      if (cursor && v.guid === cursor.guid) violations.push(`sender ${fs}@${name} destroyed although it is the incremental base`);
      if (v.userRefs > 0) violations.push(`sender ${fs}@${name} destroyed although held`);
    }
    return sender.destroySnapshots(fs, names, signal);
  };
  const guardedReceiver: Endpoint = Object.create(receiver) as Endpoint;
  guardedReceiver.destroySnapshots = async (fs, names, signal) => {
    const snaps = world.dst.versions(`backup/${fs}`).filter((v) => v.type === 'snapshot');
    // last_n keeps the two newest by creation date; on equal dates the name that sorts later.
    const byAge = [...snaps].sort((a, b) => b.creation.getTime() - a.creation.getTime() || (a.name < b.name ? 1 : -1));
    const newestTwo = new Set(byAge.slice(0, 2).map((v) => v.name));
    for (const name of names) {
      if (newestTwo.has(name)) violations.push(`receiver ${fs}@${name} destroyed although last_n 2 keeps it`);
    }
    return receiver.destroySnapshots(fs, names, signal);
  };
  return { sender: guardedSender, receiver: guardedReceiver };
}

async function startRun(seed: number, retry = { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 4_000 }): Promise<Run> {
  const world = makeWorld(FILESYSTEMS, 3, seed);
  // A held snapshot the sender's pruner would otherwise destroy.
  world.src.faults.clear();
  await world.src.hold('tank/fs1', 's1', 'keep-me', new AbortController().signal);
  const recorder = new ProgressRecorder();
  const violations: string[] = [];
  const { sender, receiver } = guarded(world, 'prop', violations);
  const job = createReplicationJob({
    name: 'prop',
    sender,
    receiver,
    keepSender: [{ type: 'not_replicated' }, { type: 'last_n', count: 1 }],
    keepReceiver: [{ type: 'last_n', count: 2 }],
    watchdogTimeoutMs: WATCHDOG_MS,
    retry,
    progressIntervalMs: 1_000,
    concurrency: 2,
    inspect: recorder.inspect,
  });
  return { world, recorder, job, violations };
}

function converged(world: World): string[] {
  const problems: string[] = [];
  for (const fs of world.filesystems) {
    const newest = newestSnapshot(world.src, fs);
    if (!newest) continue;
    const received = world.dst.hasFilesystem(`backup/${fs}`)
      ? world.dst.versions(`backup/${fs}`).find((v) => v.type === 'snapshot' && v.guid === newest.guid)
      : undefined;
    if (!received) {
      problems.push(`${fs}@${newest.name} missing on the receiver`);
      continue;
    }
    const a = world.src.snapshotContent(fs, newest.name);
    const b = world.dst.snapshotContent(`backup/${fs}`, received.name);
    if (JSON.stringify([...a]) !== JSON.stringify([...b])) problems.push(`${fs}@${newest.name} content differs`);
  }
  return problems;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

describe('job under generated fault schedules', () => {
  beforeEach(() => {
    useEngineFakeTimers();
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    vi.useRealTimers();
  });

  const allKinds: FaultKind[] = ['transient', 'permanent', 'hang', 'truncate', 'slow', 'createSnapshot', 'destroyUnsent'];

  it('records progress exactly when work was done (never on an error or a retry timer), with bounded work between progress, and no error escapes', async () => {
    const seen = { progress: 0, errorOrRetryTimer: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(faultArb(allKinds), { maxLength: 6 }), fc.integer({ min: 1, max: 1_000_000 }), async (faults, seed) => {
        const run = await startRun(seed);
        install(run.world, faults);
        const report = await drive(run.job.runOnce(), 30 * 60_000, TICK_MS);
        run.job.stop();
        expect(report.last).toBeDefined();
        expect(run.recorder.violations).toEqual([]);
        seen.progress += run.recorder.seen.progress;
        seen.errorOrRetryTimer += run.recorder.seen.errorOrRetryTimer;
        expect(run.recorder.maxMicrostepsWithoutProgress).toBeLessThanOrEqual(40);
        expect(run.job.actor.getSnapshot().status).not.toBe('error');
        expect(unhandled).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // Both directions were exercised: work recorded, and errors and retry timers that recorded none.
    expect(seen.progress).toBeGreaterThan(0);
    expect(seen.errorOrRetryTimer).toBeGreaterThan(0);
  });

  it('cancels a retry loop that outlasts the watchdog within one period plus a tick, and the report keeps the error it retried', async () => {
    // A call that fails in a way that may pass, every time: retries come each second, without end.
    const loopArb = fc.record({
      side: fc.constantFrom<'src' | 'dst'>('src', 'dst'),
      callIndex: fc.nat(),
      fs: fc.option(fc.integer({ min: 0, max: FILESYSTEMS - 1 }), { nil: null }),
    });
    let loops = 0;
    await fc.assert(
      fc.asyncProperty(loopArb, fc.integer({ min: 1, max: 1_000_000 }), async (loop, seed) => {
        const run = await startRun(seed, { maxAttempts: 10_000, initialDelayMs: 1_000, maxDelayMs: 1_000 });
        const calls = loop.side === 'src' ? senderCalls : receiverCalls;
        const call = calls[loop.callIndex % calls.length] as EndpointMethod;
        const pool = loop.side === 'src' ? run.world.src : run.world.dst;
        const fsName = loop.fs === null ? undefined : loop.side === 'src' ? `tank/fs${loop.fs}` : `backup/tank/fs${loop.fs}`;
        pool.faults.add({ call, filesystem: fsName, times: Infinity, effect: { type: 'error', errorClass: 'transient' } });
        const progressTimes: number[] = [];
        // 0 is the recorder's "none yet", not a time.
        let last = 0;
        const unsubscribe = run.job.actor.subscribe(() => {
          if (run.recorder.lastProgressAt !== last) {
            last = run.recorder.lastProgressAt;
            progressTimes.push(last);
          }
        });
        const report: JobReport = await drive(run.job.runOnce(), 30 * 60_000, TICK_MS);
        unsubscribe.unsubscribe();
        run.job.stop();
        const inv = report.last;
        expect(inv?.finishedAt).toBeDefined();
        expect(run.recorder.violations).toEqual([]);
        for (const w of inv?.watchdog ?? []) {
          const at = Date.parse(w.at);
          const before = progressTimes.filter((t) => t < at);
          const lastBefore = before.length > 0 ? Math.max(...before) : Date.parse(inv?.startedAt ?? '');
          expect(at - lastBefore).toBeGreaterThanOrEqual(WATCHDOG_MS);
          expect(at - lastBefore).toBeLessThanOrEqual(WATCHDOG_MS + TICK_MS);
          const part = w.cancelled === 'replication' ? inv?.replication : w.cancelled === 'pruneSender' ? inv?.pruneSender : inv?.pruneReceiver;
          expect(part?.problem?.kind).toBe('cancelled');
          expect(part?.problem?.message).toContain(`injected transient fault in ${call}`);
        }
        // A loop on a call the run makes never ends on its own: only the watchdog ends it.
        if ((inv?.watchdog?.length ?? 0) > 0) loops++;
        expect(unhandled).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(loops).toBeGreaterThan(RUNS / 4);
  });

  it('cancels a hanging part within one watchdog period plus one tick, and pruning still runs', async () => {
    const hangArb = fc.record({
      side: fc.constantFrom<'src' | 'dst'>('src', 'dst'),
      callIndex: fc.nat(),
      fs: fc.option(fc.integer({ min: 0, max: FILESYSTEMS - 1 }), { nil: null }),
    });
    let cancelledRuns = 0;
    await fc.assert(
      fc.asyncProperty(hangArb, fc.array(faultArb(['transient', 'slow']), { maxLength: 3 }), fc.integer({ min: 1, max: 1_000_000 }), async (hang, others, seed) => {
        const run = await startRun(seed);
        const calls = hang.side === 'src' ? senderCalls : receiverCalls;
        const call = calls[hang.callIndex % calls.length] as EndpointMethod;
        // Other faults on the same call would consume the hang without it taking effect. Calls that
        // run at the same time on the other side (the two listings of planning, the send and the
        // receive of a transfer) would abort the hang by failing first, before the watchdog could,
        // and the retry would find it spent: leave out such failures too.
        const rest = others.filter(
          (o) => (o.side !== hang.side || o.call !== call) && !(o.side !== hang.side && o.kind === 'transient' && runTogether(o.call, call)),
        );
        install(run.world, [...rest, { side: hang.side, call, fs: hang.fs, times: 1, kind: 'hang', afterBytes: 0 }]);
        const progressTimes: number[] = [];
        let lastTotal = -1;
        const unsubscribe = run.job.actor.subscribe(() => {
          if (run.recorder.lastProgressAt !== lastTotal) {
            lastTotal = run.recorder.lastProgressAt;
            progressTimes.push(lastTotal);
          }
        });
        const report: JobReport = await drive(run.job.runOnce(), 30 * 60_000, TICK_MS);
        unsubscribe.unsubscribe();
        run.job.stop();
        const inv = report.last;
        expect(inv?.finishedAt).toBeDefined();
        for (const w of inv?.watchdog ?? []) {
          const at = Date.parse(w.at);
          const before = progressTimes.filter((t) => t < at);
          const lastBefore = before.length > 0 ? Math.max(...before) : Date.parse(inv?.startedAt ?? '');
          expect(at - lastBefore).toBeGreaterThanOrEqual(WATCHDOG_MS);
          expect(at - lastBefore).toBeLessThanOrEqual(WATCHDOG_MS + TICK_MS);
          if (w.cancelled === 'replication') {
            expect(inv?.replication?.state).toBe('permanentError');
            expect(inv?.replication?.problem?.kind).toBe('cancelled');
            expect(inv?.pruneSender).toBeDefined();
          }
        }
        // A hang that the run reached must have been cancelled (no part of the job may end otherwise).
        const hung = (hang.side === 'src' ? run.world.src : run.world.dst).faults.size === 0;
        if (hung) expect(inv?.watchdog?.length ?? 0).toBeGreaterThan(0);
        if ((inv?.watchdog?.length ?? 0) > 0) cancelledRuns++;
        expect(unhandled).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // The generator must exercise the watchdog, not only hangs that no call reached.
    expect(cancelledRuns).toBeGreaterThan(RUNS / 4);
  });

  it('converges with finitely many transient faults: every newest sender snapshot is on the receiver with its guid and content', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(faultArb(['transient', 'hang', 'truncate', 'slow', 'createSnapshot', 'destroyUnsent']), { maxLength: 6 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (faults, seed) => {
          const run = await startRun(seed);
          install(run.world, faults);
          let problems: string[] = ['not run'];
          for (let i = 0; i < 10 && problems.length > 0; i++) {
            await drive(run.job.runOnce(), 30 * 60_000, TICK_MS);
            problems = converged(run.world);
          }
          run.job.stop();
          expect(problems).toEqual([]);
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never lets pruning destroy an unreplicated, held or base snapshot, or what the receiver policy keeps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(faultArb(allKinds), { maxLength: 6 }), fc.integer({ min: 1, max: 1_000_000 }), async (faults, seed) => {
        const run = await startRun(seed);
        install(run.world, faults);
        for (let i = 0; i < 3; i++) {
          await drive(run.job.runOnce(), 30 * 60_000, TICK_MS);
          run.world.src.write('tank/fs2', 'data', `round ${i}`);
          run.world.src.snapshot('tank/fs2', `round${i}`);
        }
        run.job.stop();
        expect(run.violations).toEqual([]);
        // The held snapshot survived.
        expect(run.world.src.versions('tank/fs1').some((v) => v.name === 's1')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
