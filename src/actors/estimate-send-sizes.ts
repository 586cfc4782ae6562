import { fromEventObservable } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { EstimateReportedEvent, EstimateSendSizesInput } from '../../machines/replication.js';
import { observableTask } from './observable-task.js';

/**
 * `estimateSendSizes`: asks the sender for each step's size, `concurrency` at once, reporting each
 * answer as it comes. A failed estimate is reported as unknown: estimates only inform progress.
 */
export function estimateSendSizesActor(sender: Endpoint) {
  return fromEventObservable<EstimateReportedEvent, EstimateSendSizesInput>(({ input }) =>
    observableTask<EstimateReportedEvent>(async (emit, signal) => {
      const caps = await sender.capabilities(signal);
      if (!caps.sizeEstimates) return;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < input.requests.length && !signal.aborted) {
          const request = input.requests[next++];
          if (!request) break;
          let bytes: number | undefined;
          try {
            bytes = await sender.estimateSendSize({ filesystem: request.filesystem, from: request.from, to: request.to }, signal);
          } catch (error) {
            if (signal.aborted) throw error;
            bytes = undefined;
          }
          emit({ type: 'estimate.reported', filesystem: request.filesystem, stepIndex: request.stepIndex, bytes });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, input.concurrency) }, worker));
    }),
  );
}
