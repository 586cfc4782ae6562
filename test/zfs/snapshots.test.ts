import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import type { Transport } from '../../src/transport/transport.js';
import { MAX_COMMAND_ARGUMENT_BYTES, argumentCost, poolOf } from '../../src/zfs/argument-batches.js';
import type { ZfsContext } from '../../src/zfs/zfs-context.js';
import { featuresFromUsage, type ZfsFeatures } from '../../src/zfs/zfs-features.js';
import { createSnapshots, destroySnapshots } from '../../src/zfs/snapshots.js';
import { readFixture } from './read-fixture.js';

const openzfs = featuresFromUsage(readFixture('openzfs-2.1-usage.txt'), ['zfs']);
const zfsFuse = featuresFromUsage(readFixture('zfs-fuse-usage.txt'), ['zfs']);
const live = (): AbortSignal => new AbortController().signal;

/** A transport that records every zfs command it is asked for and runs `true` (or `false` for the failing ones) instead. */
function recordingContext(features: ZfsFeatures, fails: (args: readonly string[]) => boolean = () => false): { ctx: ZfsContext; commands: string[][] } {
  const commands: string[][] = [];
  const transport: Transport = {
    name: 'fake',
    remote: false,
    zfsCommand(args) {
      commands.push([...args]);
      if (fails(args)) return { file: 'false', args: [] };
      // `zfs destroy -v fs@a,b` names each snapshot it destroyed, as OpenZFS does.
      if (args[0] === 'destroy' && args[1] === '-v') {
        const [fs, list] = (args[2] ?? '').split('@');
        const lines = (list ?? '').split(',').map((s) => `will destroy ${fs ?? ''}@${s}`);
        return { file: 'sh', args: ['-c', 'printf "%s\\n" "$@"', 'sh', ...lines] };
      }
      return { file: 'true', args: [] };
    },
  };
  return { ctx: { transport, features: async () => features, roots: [] }, commands };
}

describe('createSnapshots', () => {
  it('on OpenZFS issues one zfs snapshot per pool, never one across pools', async () => {
    expect(openzfs.multiSnapshot).toBe(true);
    const { ctx, commands } = recordingContext(openzfs);
    await createSnapshots(ctx, ['tank/a', 'backup/x', 'tank/b', 'backup/y/z'], 'xrepl_1', live());
    expect(commands).toEqual([
      ['snapshot', 'tank/a@xrepl_1', 'tank/b@xrepl_1'],
      ['snapshot', 'backup/x@xrepl_1', 'backup/y/z@xrepl_1'],
    ]);
  });

  it('splits thousands of filesystems into commands within the argument budget', async () => {
    const filesystems = Array.from({ length: 5_000 }, (_, i) => `tank/some/deep/path/of/filesystems/number${i}`);
    const { ctx, commands } = recordingContext(openzfs);
    await createSnapshots(ctx, filesystems, 'xrepl_20240101_000000_000', live());
    expect(commands.length).toBeGreaterThan(1);
    for (const c of commands) expect(c.reduce((n, a) => n + argumentCost(a), 0)).toBeLessThanOrEqual(MAX_COMMAND_ARGUMENT_BYTES);
    expect(commands.flatMap((c) => c.slice(1))).toEqual(filesystems.map((fs) => `${fs}@xrepl_20240101_000000_000`));
  });

  it('on zfs-fuse issues one call per filesystem', async () => {
    expect(zfsFuse.multiSnapshot).toBe(false);
    const { ctx, commands } = recordingContext(zfsFuse);
    await createSnapshots(ctx, ['tank/a', 'backup/x'], 's', live());
    expect(commands).toEqual([['snapshot', 'tank/a@s'], ['snapshot', 'backup/x@s']]);
  });

  it('names the snapshots already made when a later pool fails', async () => {
    const { ctx } = recordingContext(openzfs, (args) => args.some((a) => poolOf(a) === 'backup'));
    const error = await createSnapshots(ctx, ['tank/a', 'backup/x'], 's', live()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).message).toContain('already created: tank/a@s');
  });
});

describe('destroySnapshots', () => {
  it('with comma lists, destroys in batches within the budget and reports each snapshot', async () => {
    const snapshots = Array.from({ length: 20_000 }, (_, i) => `xrepl_20240101_000000_${String(i).padStart(5, '0')}`);
    const { ctx, commands } = recordingContext(openzfs);
    const results = await destroySnapshots(ctx, 'tank/data', snapshots, live());
    expect(results.map((r) => r.name)).toEqual(snapshots);
    expect(results.every((r) => r.error === undefined)).toBe(true);
    expect(commands.length).toBeGreaterThan(1);
    for (const c of commands) {
      expect(c[0]).toBe('destroy');
      expect(c.reduce((n, a) => n + argumentCost(a), 0)).toBeLessThanOrEqual(MAX_COMMAND_ARGUMENT_BYTES);
    }
    expect(commands.flatMap((c) => (c[2] ?? '').slice('tank/data@'.length).split(','))).toEqual(snapshots);
  });
});
