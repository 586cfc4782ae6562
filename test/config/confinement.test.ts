import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../src/config/config-problem.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { configProblems } from './config-problems.js';

/** A one-job configuration with these filesystems, root_fs and sides. */
function config(filesystems: Record<string, boolean>, rootFs: string, sides = ''): string {
  return `
jobs:
  - name: j
    type: local
${sides}
    filesystems: ${JSON.stringify(filesystems)}
    root_fs: ${rootFs}
    snapshotting: { type: manual }
    pruning: { keep_sender: [], keep_receiver: [] }
`;
}


describe('a job whose filesystems could select its own root_fs is a configuration error naming both keys', () => {
  it.each([
    ['every filesystem', { '<': true }, 'backup/tank'],
    ['the root itself', { 'backup/tank': true }, 'backup/tank'],
    ['a parent of the root', { backup: true }, 'backup/tank'],
    ["the root's pool, subtree excluded but not the pool itself", { '<': true, 'backup/tank<': false }, 'backup/tank'],
    ['a filesystem below the root', { 'tank<': true, 'backup/tank/x': true }, 'backup/tank'],
    ['the subtree above the root', { 'backup<': true }, 'backup/tank'],
    ['new children of the root, with the root itself excluded', { 'backup<': true, 'backup/tank': false }, 'backup/tank'],
  ])('%s', (_what, filesystems, root) => {
    const problems = configProblems(config(filesystems, root));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('jobs[0].filesystems');
    expect(problems[0]?.message).toContain('jobs[0].root_fs');
    expect(problems[0]?.message).toContain(root);
  });

  it('accepts a filter that leaves the root, its parents and everything below it out', () => {
    expect(configProblems(config({ 'tank<': true }, 'backup/tank'))).toEqual([]);
    expect(configProblems(config({ '<': true, 'backup/tank<': false, backup: false }, 'backup/tank'))).toEqual([]);
  });

  it('does not apply when the sides are different memory pools', () => {
    const sides = '    sender: { type: memory, pool: a }\n    receiver: { type: memory, pool: b }';
    const text = `memory_pools:\n  a: {}\n  b: {}\n${config({ '<': true }, 'backup/tank', sides)}`;
    expect(configProblems(text)).toEqual([]);
  });

  it('applies when both sides are the same memory pool', () => {
    const sides = '    sender: { type: memory, pool: a }\n    receiver: { type: memory, pool: a }';
    const text = `memory_pools:\n  a: {}\n${config({ 'backup<': true }, 'backup/tank', sides)}`;
    expect(configProblems(text).map((p) => p.path)).toEqual(['jobs[0].filesystems']);
  });
});

describe('create_root_fs', () => {
  it('is off unless set, and must be a boolean', () => {
    expect(parseConfig(config({ 'tank<': true }, 'backup/tank')).jobs[0]?.createRootFs).toBe(false);
    const on = config({ 'tank<': true }, 'backup/tank').replace('    root_fs:', '    create_root_fs: true\n    root_fs:');
    expect(parseConfig(on).jobs[0]?.createRootFs).toBe(true);
    const bad = config({ 'tank<': true }, 'backup/tank').replace('    root_fs:', '    create_root_fs: yes-please\n    root_fs:');
    expect(configProblems(bad).map((p) => p.path)).toEqual(['jobs[0].create_root_fs']);
  });
});

describe('a YAML alias bomb', () => {
  it('is a configuration error, not an internal error', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
    }
    const text = `${levels.join('\n')}\njobs: []\n`;
    expect(() => parseConfig(text, 'bomb.yml')).toThrow(ConfigFileError);
    expect(() => parseConfig(text, 'bomb.yml')).toThrow(/bomb\.yml.*YAML/s);
  });
});
