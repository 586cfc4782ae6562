/**
 * The built declarations stay readable: public functions declare their return types and the
 * machines have named types, so no .d.ts repeats XState's inferred machine types (a provided job
 * machine was 1,500 lines of them). Reads what `npm run build` wrote (npm test builds first).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../e2e/helpers/built-cli.js';

const MAX_LINES = 400;

async function declarations(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await declarations(path)));
    else if (entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

describe('built declarations', () => {
  it(`has no .d.ts longer than ${MAX_LINES} lines, and the job's refers to the machines by name`, async () => {
    await ensureBuilt();
    const files = await declarations(join(ROOT, 'dist'));
    expect(files.length).toBeGreaterThan(50);
    const long: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n').length;
      if (lines > MAX_LINES) long.push(`${file.slice(ROOT.length + 1)}: ${lines} lines`);
    }
    expect(long).toEqual([]);
    const job = await readFile(join(ROOT, 'dist/machines/job.d.ts'), 'utf8');
    expect(job).toContain('ReplicationMachine');
    expect(job).toContain('PrunerMachine');
  });
});
