/** The import-cost benchmark's harness, one fresh process per entry point (needs the build). */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeImportCost, runImportCostBenchmark } from '../../bench/import-cost.js';
import { ensureBuilt } from '../e2e/helpers/built-cli.js';

describe('import cost benchmark harness', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it('times a cold import of each entry point in its own process and compares it with xstate', async () => {
    const result = await runImportCostBenchmark({ runs: 1 });
    for (const samples of Object.values(result.samples)) {
      expect(samples).toHaveLength(1);
      expect(samples[0]).toBeGreaterThan(0);
    }
    const table = describeImportCost(result);
    expect(table).toContain("`import('xrepl/machines')`");
    expect(table.split('\n').filter((l) => l.includes('| 1 |'))).toHaveLength(3);
  });
});
