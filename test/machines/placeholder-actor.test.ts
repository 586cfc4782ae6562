import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { unprovidedEventStream, unprovidedPromise } from '../../machines/placeholder-actor.js';

describe('placeholder actors', () => {
  it.each([
    ['an event stream', unprovidedEventStream('transfer')],
    ['a promise', unprovidedPromise('setCursor')],
  ] as const)('%s fails at once, naming the actor to provide', async (_what, logic) => {
    const actor = createActor(logic, { input: undefined });
    const done = toPromise(actor);
    actor.start();
    await expect(done).rejects.toThrow(/actor "(transfer|setCursor)" was not provided: inject it with machine.provide/);
  });
});
