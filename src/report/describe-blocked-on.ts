import type { BlockedOnReport } from './job-report.js';

/** What a filesystem waits for, in words for logs and `xrepl status` ("waiting for …"). */
export function describeBlockedOn(blockedOn: BlockedOnReport): string {
  switch (blockedOn.kind) {
    case 'replication-slot':
      return 'a replication slot';
    case 'retry':
      return `its retry at ${blockedOn.at}`;
    case 'new-plan':
      return 'a new plan';
    case 'parent-initial-replication':
      return `the first replication of ${blockedOn.filesystem}`;
  }
}
