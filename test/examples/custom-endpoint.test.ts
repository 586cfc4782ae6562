import { describe, expect, it } from 'vitest';
import { main } from '../../examples/custom-endpoint/main.js';

describe('examples/custom-endpoint', () => {
  it('runs a job on wrapped endpoints and records their calls on both sides', async () => {
    const { report, calls } = await main();
    expect(report.last?.ok).toBe(true);
    expect(calls.some((c) => c.method === 'send' && c.filesystem === 'tank/mail' && c.endpoint.includes('source'))).toBe(true);
    expect(calls.some((c) => c.method === 'receive' && c.filesystem === 'tank/mail' && c.endpoint.includes('target'))).toBe(true);
    expect(calls.every((c) => !c.failed)).toBe(true);
  });
});
