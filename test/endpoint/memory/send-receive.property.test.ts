import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryPool } from '../../../src/endpoint/memory/memory-pool.js';

const signal = (): AbortSignal => new AbortController().signal;

// One step of a filesystem's history: write or delete files, then maybe take a snapshot.
const fileName = fc.constantFrom('a', 'b', 'c', 'data.bin', 'ü nicode');
const operation = fc.oneof(
  fc.record({ type: fc.constant('write' as const), file: fileName, bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ type: fc.constant('delete' as const), file: fileName }),
  fc.record({ type: fc.constant('snapshot' as const) }),
);

describe('memory pool send then receive', () => {
  it('reproduces every sender snapshot byte for byte, replicating each one incrementally', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 25 }), fc.boolean(), async (operations, viaBookmarks) => {
        const src = createMemoryPool({ seed: 1 });
        const dst = createMemoryPool({ seed: 2 });
        src.createFilesystem('tank/fs');
        let n = 0;
        for (const op of operations) {
          if (op.type === 'write') src.write('tank/fs', op.file, op.bytes);
          else if (op.type === 'delete') src.removeFile('tank/fs', op.file);
          else src.snapshot('tank/fs', `s${n++}`);
        }
        src.snapshot('tank/fs', 'last');
        const snapshots = src.versions('tank/fs');
        let previous;
        for (const to of snapshots) {
          // Alternate the base between the previous snapshot and a bookmark of it.
          const from = previous !== undefined && viaBookmarks ? src.bookmark('tank/fs', previous.name, `b-${previous.name}`) : previous;
          const stream = await src.send({ filesystem: 'tank/fs', to, from }, signal());
          await dst.receive({ filesystem: 'backup/tank/fs', to, from, stream }, signal());
          previous = to;
        }
        expect(dst.versions('backup/tank/fs').map((v) => [v.name, v.guid])).toEqual(snapshots.map((v) => [v.name, v.guid]));
        for (const s of snapshots) {
          expect(dst.snapshotContent('backup/tank/fs', s.name)).toEqual(src.snapshotContent('tank/fs', s.name));
        }
        expect(dst.content('backup/tank/fs')).toEqual(src.snapshotContent('tank/fs', 'last'));
      }),
      { numRuns: 300 },
    );
  });
});
