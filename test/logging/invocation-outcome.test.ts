import { describe, expect, it } from 'vitest';
import { invocationOutcomeLines } from '../../src/logging/invocation-outcome.js';
import type { FilesystemReport, InvocationReport, ProblemReport } from '../../src/report/job-report.js';

const at = '2026-12-03T10:00:00.000Z';
const version = (name: string) => ({ type: 'snapshot' as const, name, guid: '1', createTxg: '1', creation: at });
const problem = (message: string, kind: string, lastError?: ProblemReport): ProblemReport => ({ message, kind, errorClass: 'permanent', at, ...(lastError ? { lastError } : {}) });

function fs(filesystem: string, over: Partial<FilesystemReport> = {}): FilesystemReport {
  return { filesystem, state: 'completed', attempts: 1, completedSteps: [], pendingSteps: [], bytes: 0, ...over };
}

function invocation(over: Partial<InvocationReport>): InvocationReport {
  return { number: 4, startedAt: at, finishedAt: '2026-12-03T10:00:02.500Z', ok: true, ...over };
}

describe('invocation outcome log lines', () => {
  it('sums transfers and bytes, and names the filesystems that transferred', () => {
    const step = { kind: 'transfer' as const, to: version('b'), bytes: 2048, resumed: false };
    const lines = invocationOutcomeLines('nightly', invocation({
      replication: { state: 'completed', filesystems: [fs('p/a', { completedSteps: [step, step], bytes: 4096 }), fs('p/quiet', { state: 'skipped' })] },
      pruneSender: { side: 'sender', state: 'done', filesystems: [{ filesystem: 'p/a', destroy: ['x'], destroyed: ['x'], protected: [{ name: 'y', reason: 'held' }] }] },
    }));
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'job nightly: invocation 4 completed after 2.5 s: 1 filesystem(s) replicated (2 transfer(s), 4.0 KiB); sender pruning destroyed 1, protected 1'],
      ['info', 'p/a: completed, 2 transfer(s), 4.0 KiB, 1 attempt(s)'],
      ['info', 'p/a: sender pruning destroyed x; protected y (held)'],
    ]);
  });

  it('warns of a failed filesystem with its attempts and the last error of its retries', () => {
    const lines = invocationOutcomeLines('j', invocation({
      ok: false,
      replication: { state: 'completed', filesystems: [fs('p/b', { state: 'permanentError', attempts: 3, problem: problem('gave up after 3 attempts', 'retries-exhausted', problem('dataset is busy', 'dataset-busy')) })] },
    }));
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { outcome: 'failed', failed: 1 } });
    expect(lines[1]).toMatchObject({ level: 'warn', message: 'p/b: permanentError, 0 transfer(s), 0 B, 3 attempt(s); last error: dataset is busy' });
  });

  it('says what the watchdog cancelled and what was running then', () => {
    const lines = invocationOutcomeLines('j', invocation({
      ok: false,
      watchdog: [{ cancelled: 'replication', at, message: 'no progress for 60000 ms' }],
      replication: { state: 'permanentError', filesystems: [fs('p/stuck', { state: 'permanentError', problem: problem('cancelled by the watchdog', 'watchdog') }), fs('p/done')] },
    }));
    expect(lines[0]!.message).toMatch(/^job j: invocation 4 cancelled by the watchdog after 2\.5 s/);
    expect(lines[1]).toEqual({
      level: 'warn',
      fields: { job: 'j', invocation: 4, cancelled: 'replication', running: ['p/stuck'] },
      message: 'job j: the watchdog cancelled replication: no progress for 60000 ms; it was running p/stuck',
    });
  });
});
