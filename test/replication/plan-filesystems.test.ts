import { describe, expect, it } from 'vitest';
import type { ListedVersion } from '../../src/domain/version.js';
import { planFilesystems } from '../../src/replication/plan-filesystems.js';

const snap = (name: string, txg: number): ListedVersion => ({
  type: 'snapshot',
  name,
  guid: BigInt(1000 + txg),
  createTxg: BigInt(txg),
  creation: new Date(txg * 1000),
  userRefs: 0,
});

function plan(resumeTokenGuid: bigint | undefined) {
  const sender = [snap('a', 1), snap('b', 2)];
  return planFilesystems(
    {
      senderFilesystems: [{ path: 'tank/x', placeholder: false }],
      receiverFilesystems: [{ path: 'tank/x', placeholder: false, resumeToken: 'token', resumeTokenGuid }],
      senderVersions: new Map([['tank/x', sender]]),
      receiverVersions: new Map(),
      senderCursors: new Map(),
    },
    'most_recent',
    0,
  );
}

describe('planFilesystems', () => {
  it('resumes a partial stream that leads to the first step, or whose target the receiver cannot tell', () => {
    expect(plan(1002n)[0]?.steps[0]?.resumeToken).toBe('token');
    expect(plan(undefined)[0]?.steps[0]?.resumeToken).toBe('token');
  });

  it('sends afresh when the partial stream leads to another snapshot than the plan', () => {
    const [entry] = plan(1001n);
    expect(entry?.steps.map((s) => [s.from?.name, s.to.name])).toEqual([[undefined, 'b']]);
    expect(entry?.steps[0]?.resumeToken).toBeUndefined();
  });
});
