import { describe, expect, it } from 'vitest';
import { createActor, fromEventObservable, fromPromise, waitFor } from 'xstate';
import { Observable } from 'rxjs';
import { filesystemMachine, type FilesystemMachineOutput, type TransferProgressEvent } from '../../machines/filesystem.js';
import { EndpointError } from '../../src/domain/errors.js';
import type { FilesystemVersion } from '../../src/domain/version.js';
import type { PlannedStep } from '../../src/replication/filesystem-entry.js';

const v = (name: string, txg: number): FilesystemVersion => ({
  type: 'snapshot',
  name,
  guid: BigInt(1000 + txg),
  createTxg: BigInt(txg),
  creation: new Date(txg * 1000),
});
const step = (from: FilesystemVersion | undefined, to: FilesystemVersion): PlannedStep => ({
  kind: 'transfer',
  from,
  to,
  bytes: 0,
  received: false,
  done: false,
});
const retry = { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 };

function transferOk(calls: string[]) {
  return fromEventObservable<TransferProgressEvent, { path: string; step: PlannedStep }>(
    ({ input }) =>
      new Observable<TransferProgressEvent>((sub) => {
        calls.push(input.step.to.name);
        sub.next({ type: 'transfer.progress', bytes: 42 });
        sub.complete();
      }),
  );
}

async function runAttempt(machine: typeof filesystemMachine, steps: PlannedStep[], attempts = 0, cursor?: FilesystemVersion): Promise<FilesystemMachineOutput> {
  const actor = createActor(machine, { input: { path: 'tank/a', steps, attempts, jobId: 'j', retry, now: () => 5000, cursor } });
  actor.start();
  const snap = await waitFor(actor, (s) => s.status === 'done');
  return snap.output as FilesystemMachineOutput;
}

describe('filesystem machine', () => {
  it('transfers every step in order, then moves the cursor once, to the newest', async () => {
    const transfers: string[] = [];
    const cursors: string[] = [];
    const m = filesystemMachine.provide({
      actors: {
        transfer: transferOk(transfers),
        setCursor: fromPromise(async ({ input }) => {
          cursors.push(input.version.name);
        }),
      },
    });
    const out = await runAttempt(m, [step(undefined, v('a', 1)), step(v('a', 1), v('b', 2))]);
    expect(out.status).toBe('completed');
    expect(transfers).toEqual(['a', 'b']);
    expect(cursors).toEqual(['b']);
    expect(out.cursor?.name).toBe('b');
    expect(out.steps.every((s) => s.done)).toBe(true);
    expect(out.steps.map((s) => s.bytes)).toEqual([42, 42]);
  });

  it('after a failed later step, moves the cursor to the newest received step, then transfers only what is missing', async () => {
    const transfers: string[] = [];
    const cursors: string[] = [];
    let failB = true;
    const m = filesystemMachine.provide({
      actors: {
        transfer: fromEventObservable<TransferProgressEvent, { path: string; step: PlannedStep }>(
          ({ input }) =>
            new Observable<TransferProgressEvent>((sub) => {
              transfers.push(input.step.to.name);
              if (input.step.to.name === 'b' && failB) {
                failB = false;
                sub.error(new EndpointError('reset', { kind: 'connection-lost' }));
                return;
              }
              sub.complete();
            }),
        ),
        setCursor: fromPromise(async ({ input }) => {
          cursors.push(input.version.name);
        }),
      },
    });
    const first = await runAttempt(m, [step(undefined, v('a', 1)), step(v('a', 1), v('b', 2))]);
    expect(first.status).toBe('retryWait');
    // The receiver has a: the cursor follows it, so the sender's pruner knows a is the base.
    expect(cursors).toEqual(['a']);
    expect(first.cursor?.name).toBe('a');
    expect(first.steps.map((s) => [s.received, s.done])).toEqual([[true, true], [false, false]]);
    expect(first.problem?.kind).toBe('connection-lost');
    const second = await runAttempt(m, first.steps, first.attempts, first.cursor);
    expect(second.status).toBe('completed');
    expect(transfers).toEqual(['a', 'b', 'b']);
    expect(cursors).toEqual(['a', 'b']);
  });

  it('retries only the cursor update when the cursor update failed, never the transfer', async () => {
    const transfers: string[] = [];
    let cursorCalls = 0;
    const m = filesystemMachine.provide({
      actors: {
        transfer: transferOk(transfers),
        setCursor: fromPromise(async () => {
          cursorCalls++;
          if (cursorCalls === 1) throw new EndpointError('busy', { kind: 'dataset-busy' });
        }),
      },
    });
    const first = await runAttempt(m, [step(undefined, v('a', 1))]);
    expect(first.status).toBe('retryWait');
    expect(first.steps[0]?.received).toBe(true);
    const second = await runAttempt(m, first.steps, first.attempts);
    expect(second.status).toBe('completed');
    expect(transfers).toEqual(['a']);
    expect(cursorCalls).toBe(2);
  });

  it('waits longer after each transient failure and gives up after maxAttempts', async () => {
    const m = filesystemMachine.provide({
      actors: {
        transfer: fromEventObservable(() => new Observable<TransferProgressEvent>((sub) => sub.error(new EndpointError('reset', { kind: 'connection-lost' })))),
        setCursor: fromPromise(async () => {}),
      },
    });
    const a = await runAttempt(m, [step(undefined, v('a', 1))], 0);
    const b = await runAttempt(m, a.steps, a.attempts);
    const c = await runAttempt(m, b.steps, b.attempts);
    expect([a.status, b.status, c.status]).toEqual(['retryWait', 'retryWait', 'permanentError']);
    expect((b.retryAt ?? 0) - 5000).toBeGreaterThan((a.retryAt ?? 0) - 5000);
    expect(c.problem?.message).toMatch(/gave up after 3 attempts/);
    expect(c.problem?.errorClass).toBe('permanent');
  });

  it('asks for a new plan when the snapshot to send vanished', async () => {
    const m = filesystemMachine.provide({
      actors: {
        transfer: fromEventObservable(() => new Observable<TransferProgressEvent>((sub) => sub.error(new EndpointError('gone', { kind: 'dataset-not-found' })))),
        setCursor: fromPromise(async () => {}),
      },
    });
    const out = await runAttempt(m, [step(undefined, v('a', 1))]);
    expect(out.status).toBe('retryWait');
    expect(out.needsReplan).toBe(true);
  });

  it('ends in permanentError at once on a permanent error', async () => {
    const m = filesystemMachine.provide({
      actors: {
        transfer: fromEventObservable(() => new Observable<TransferProgressEvent>((sub) => sub.error(new EndpointError('no', { kind: 'invalid-name' })))),
        setCursor: fromPromise(async () => {}),
      },
    });
    const out = await runAttempt(m, [step(undefined, v('a', 1))]);
    expect(out.status).toBe('permanentError');
    expect(out.attempts).toBe(1);
    expect(out.problem?.kind).toBe('invalid-name');
  });

  describe('the cursor after a failure covers what the receiver has', () => {
    const failingOn = (name: string, error: EndpointError, cursors: string[], cursorError?: EndpointError) =>
      filesystemMachine.provide({
        actors: {
          transfer: fromEventObservable<TransferProgressEvent, { path: string; step: PlannedStep }>(
            ({ input }) =>
              new Observable<TransferProgressEvent>((sub) => {
                if (input.step.to.name === name) sub.error(error);
                else sub.complete();
              }),
          ),
          setCursor: fromPromise(async ({ input }) => {
            cursors.push(input.version.name);
            if (cursorError) throw cursorError;
          }),
        },
      });

    it('moves it to the newest received step when a later step fails for good', async () => {
      const cursors: string[] = [];
      const m = failingOn('c', new EndpointError('no', { kind: 'invalid-name' }), cursors);
      const out = await runAttempt(m, [step(v('a', 1), v('b', 2)), step(v('b', 2), v('c', 3))], 0, v('a', 1));
      expect(out.status).toBe('permanentError');
      expect(out.problem?.kind).toBe('invalid-name');
      expect(cursors).toEqual(['b']);
      expect(out.cursor?.name).toBe('b');
    });

    it('moves it to the newest received step when a later step needs a new plan, and keeps that step done for the merge', async () => {
      const cursors: string[] = [];
      const m = failingOn('c', new EndpointError('gone', { kind: 'dataset-not-found' }), cursors);
      const out = await runAttempt(m, [step(v('a', 1), v('b', 2)), step(v('b', 2), v('c', 3))], 0, v('a', 1));
      expect(out.status).toBe('retryWait');
      expect(out.needsReplan).toBe(true);
      expect(cursors).toEqual(['b']);
      expect(out.steps.map((s) => s.done)).toEqual([true, false]);
    });

    it('repairs a cursor that lags the plan\'s base when the first step fails (a run the watchdog cancelled before its cursor move)', async () => {
      const cursors: string[] = [];
      const m = failingOn('c', new EndpointError('reset', { kind: 'connection-lost' }), cursors);
      // Planning found b on both sides, but the cursor is still at a.
      const out = await runAttempt(m, [step(v('b', 2), v('c', 3))], 0, v('a', 1));
      expect(out.status).toBe('retryWait');
      expect(cursors).toEqual(['b']);
      expect(out.cursor?.name).toBe('b');
    });

    it('moves nothing when the cursor already covers what the receiver has', async () => {
      const cursors: string[] = [];
      const m = failingOn('c', new EndpointError('reset', { kind: 'connection-lost' }), cursors);
      const out = await runAttempt(m, [step(v('b', 2), v('c', 3))], 0, v('b', 2));
      expect(out.status).toBe('retryWait');
      expect(cursors).toEqual([]);
    });

    it('reports the transfer failure, not the cursor failure, when the cursor move fails too, and leaves the step received for the next attempt', async () => {
      const cursors: string[] = [];
      const m = failingOn('c', new EndpointError('reset', { kind: 'connection-lost' }), cursors, new EndpointError('busy', { kind: 'dataset-busy' }));
      const out = await runAttempt(m, [step(v('a', 1), v('b', 2)), step(v('b', 2), v('c', 3))], 0, v('a', 1));
      expect(out.status).toBe('retryWait');
      expect(out.problem?.kind).toBe('connection-lost');
      expect(cursors).toEqual(['b']);
      expect(out.cursor?.name).toBe('a');
      expect(out.steps.map((s) => [s.received, s.done])).toEqual([[true, false], [false, false]]);
    });
  });
});
