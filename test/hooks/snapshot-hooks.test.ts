import { describe, expect, it } from 'vitest';
import { runPostHooks, runPreHooks, type HookContext, type SnapshotHook } from '../../src/hooks/snapshot-hooks.js';
import { filesystemFilter } from '../../src/filter/filesystem-filter.js';
import type { CommandOutcome } from '../../src/hooks/run-command.js';

const ok: CommandOutcome = { ok: true, exitCode: 0, timedOut: false, output: '' };
const failed: CommandOutcome = { ok: false, exitCode: 1, timedOut: false, output: '', failure: 'exited with code 1' };

function context(hooks: SnapshotHook[], fails: (path: string, env: Record<string, string>) => boolean) {
  const calls: string[] = [];
  const ctx: HookContext = {
    hooks,
    job: 'j',
    snapshot: 'xrepl_1',
    signal: new AbortController().signal,
    run: async (hook, env) => {
      calls.push(`${env.ZREPL_HOOKTYPE} ${hook.path} ${env.ZREPL_FS}${env.XREPL_SNAPSHOT_RESULT ? ` ${env.XREPL_SNAPSHOT_RESULT}` : ''}`);
      return fails(hook.path, env) ? failed : ok;
    },
  };
  return { ctx, calls };
}

const hook = (path: string, errIsFatal = false, filesystems?: Record<string, boolean>): SnapshotHook => ({
  path,
  timeoutMs: 1000,
  errIsFatal,
  ...(filesystems ? { filter: filesystemFilter(filesystems) } : {}),
});

describe('snapshot hooks', () => {
  it('runs pre hooks in order per filesystem, only where their filter selects, and post hooks in reverse', async () => {
    const { ctx, calls } = context([hook('/a'), hook('/b', false, { 'tank/db': true })], () => false);
    const pre = await runPreHooks(ctx, ['tank/db', 'tank/www']);
    expect(pre.skipped).toEqual([]);
    await runPostHooks(ctx, pre.ran, () => 'taken');
    expect(calls).toEqual([
      'pre_snapshot /a tank/db',
      'pre_snapshot /b tank/db',
      'pre_snapshot /a tank/www',
      'post_snapshot /a tank/www taken',
      'post_snapshot /b tank/db taken',
      'post_snapshot /a tank/db taken',
    ]);
  });

  it('a fatal pre hook failure skips the filesystem and its later pre hooks; the post hooks of started pre hooks still run', async () => {
    const { ctx, calls } = context([hook('/freeze'), hook('/check', true), hook('/never')], (path, env) => path === '/check' && env.ZREPL_FS === 'tank/db');
    const pre = await runPreHooks(ctx, ['tank/db', 'tank/www']);
    expect(pre.skipped).toEqual(['tank/db']);
    expect(pre.failures).toMatchObject([{ phase: 'pre_snapshot', path: '/check', filesystem: 'tank/db', fatal: true }]);
    expect(calls).not.toContain('pre_snapshot /never tank/db');
    calls.length = 0;
    await runPostHooks(ctx, pre.ran, (fs) => (pre.skipped.includes(fs) ? 'skipped' : 'failed'));
    expect(calls).toContain('post_snapshot /freeze tank/db skipped');
    expect(calls).toContain('post_snapshot /check tank/db skipped');
    expect(calls).toContain('post_snapshot /freeze tank/www failed');
    expect(calls.filter((c) => c.includes('/never') && c.includes('tank/db'))).toEqual([]);
  });

  it('a non-fatal failure is reported and changes nothing else', async () => {
    const { ctx } = context([hook('/soft')], () => true);
    const pre = await runPreHooks(ctx, ['tank/a']);
    expect(pre.skipped).toEqual([]);
    expect(pre.failures).toMatchObject([{ fatal: false, message: 'pre_snapshot hook /soft on tank/a: exited with code 1' }]);
    expect(await runPostHooks(ctx, pre.ran, () => 'taken')).toMatchObject([{ phase: 'post_snapshot', fatal: false }]);
  });
});
