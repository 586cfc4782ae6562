import { fromEventObservable } from 'xstate';
import type { DestroyReportedEvent, DestroySnapshotsInput } from '../../machines/pruner.js';
import { problemFrom } from '../replication/problem.js';
import type { EndpointPair } from './endpoint-pair.js';
import { observableTask } from './observable-task.js';

/**
 * `destroySnapshots`: destroys each filesystem's list and reports per filesystem, so one
 * filesystem's failure is recorded and the next one still runs.
 */
export function destroySnapshotsActor(endpoints: EndpointPair, now: () => number) {
  return fromEventObservable<DestroyReportedEvent, DestroySnapshotsInput>(({ input }) =>
    observableTask<DestroyReportedEvent>(async (emit, signal) => {
      const endpoint = endpoints[input.side];
      for (const { filesystem, snapshots } of input.work) {
        if (snapshots.length === 0) continue;
        let results: DestroyReportedEvent['results'];
        try {
          const done = await endpoint.destroySnapshots(filesystem, snapshots, signal);
          results = done.map((r) => ({ name: r.name, problem: r.error ? problemFrom(r.error, now()) : undefined }));
        } catch (error) {
          if (signal.aborted) throw error;
          const problem = problemFrom(error, now());
          results = snapshots.map((name) => ({ name, problem }));
        }
        emit({ type: 'destroy.reported', filesystem, results });
      }
    }),
  );
}
