import { describe, expect, it } from 'vitest';
import type { FilesystemInfo } from '../../src/endpoint/endpoint.js';
import type { ListedVersion } from '../../src/domain/version.js';
import { planFilesystems } from '../../src/replication/plan-filesystems.js';

const snap = (name: string, txg: number): ListedVersion => ({ type: 'snapshot', name, guid: BigInt(1000 + txg), createTxg: BigInt(txg), creation: new Date(txg * 1000), userRefs: 0 });

function planIncremental(receiver: Partial<FilesystemInfo>) {
  const sender = [snap('a', 1), snap('b', 2)];
  return planFilesystems(
    {
      senderFilesystems: [{ path: 'tank/x', placeholder: false }],
      receiverFilesystems: [{ path: 'tank/x', placeholder: false, ...receiver }],
      senderVersions: new Map([['tank/x', sender]]),
      receiverVersions: new Map([['tank/x', [snap('a', 1)]]]),
      senderCursors: new Map(),
    },
    'most_recent',
    0,
  )[0]?.steps[0];
}

describe('planning with a partial receive', () => {
  it('resumes an incremental token whose snapshot and base are the step’s', () => {
    const step = planIncremental({ resumeToken: 't', resumeTokenGuid: 1002n, resumeTokenFromGuid: 1001n });
    expect(step?.resumeToken).toBe('t');
    expect(step?.discardPartial).toBeUndefined();
  });

  it('clears a token to the step’s snapshot from another base, and one to another snapshot', () => {
    for (const tokenAt of [{ resumeTokenGuid: 1002n, resumeTokenFromGuid: 999n }, { resumeTokenGuid: 1003n, resumeTokenFromGuid: 1001n }, { resumeTokenGuid: 1002n }]) {
      const step = planIncremental({ resumeToken: 't', ...tokenAt });
      expect(step?.resumeToken).toBeUndefined();
      expect(step?.discardPartial).toBe(true);
    }
  });
});
