/**
 * What an import loads, read from the module graph (esbuild's metafile over the sources), not from
 * timings: `xrepl/machines` is declarations over XState alone, with no rxjs, no zfs, daemon or CLI code.
 */
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The repository files and the packages an entry point loads. */
async function graph(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({ entryPoints: [join(ROOT, entry)], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  const files = Object.keys(result.metafile.inputs);
  const packages = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const i of output.imports) if (i.external && !i.path.startsWith('node:')) packages.add(i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : (i.path.split('/')[0] ?? i.path));
  }
  return { files, packages: [...packages].sort() };
}

describe('module graph', () => {
  it("'xrepl/machines' loads XState and nothing else: no rxjs, no zfs, daemon, CLI or serve code", async () => {
    const { files, packages } = await graph('machines/index.ts');
    expect(packages).toEqual(['xstate']);
    expect(files.filter((f) => /^src\/(zfs|daemon|cli|serve|transport|control|metrics|logging|inspect)\//.test(f))).toEqual([]);
  });
});
