/**
 * The endpoint contract suite with the local transport, run inside the OpenZFS guest: the same
 * test file that runs against zfs-fuse on the host (test/integration/zfs-contract.test.ts) runs
 * there with the host's node and vitest, on pools the guest's real OpenZFS makes. The clone is
 * shared read-only at the same path, so what runs is exactly this checkout.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeOnOpenZfs, guest, guestRun, q } from './helpers/openzfs-vm.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const GUEST_CONFIG = 'test/openzfs/guest/vitest.config.ts';

/** The part of vitest's JSON report the assertions read. */
interface VitestJsonReport {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

describeOnOpenZfs('endpoint contract with the local transport, inside the guest', (vm) => {
  it('passes every contract test on the guest\'s OpenZFS, none skipped', async () => {
    const seen = await guestRun(vm(), `test -f ${q(`${REPO}/${GUEST_CONFIG}`)}`);
    if (seen.exitCode !== 0) {
      throw new Error(`the guest does not see this clone at ${REPO}: boot the VM with XREPL_OPENZFS_VM_SHARE=${REPO} (.ci/run does)`);
    }
    const out = `/tmp/xrepl-guest-contract-${randomBytes(4).toString('hex')}.json`;
    const command = [
      `cd ${q(REPO)} &&`,
      'XREPL_REQUIRE_ZFS=1',
      q(`${vm().stateDir}/hostbin/node`),
      'node_modules/vitest/vitest.mjs run --configLoader runner',
      `--config ${q(GUEST_CONFIG)} --reporter=json --outputFile=${q(out)}`,
    ].join(' ');
    const run = await guestRun(vm(), command, { timeoutMs: 900_000 });
    const text = await guest(vm(), `cat ${q(out)}; rm -f ${q(out)}`).catch((err: unknown) => {
      throw new Error(`vitest in the guest wrote no report (exit ${run.exitCode}): ${run.stderr.slice(-2000)}`, { cause: err });
    });
    const report = JSON.parse(text) as VitestJsonReport;
    const failed = report.testResults.flatMap((file) =>
      file.assertionResults.filter((t) => t.status !== 'passed').map((t) => `${t.status}: ${t.fullName}: ${t.failureMessages.join('\n').slice(0, 500)}`),
    );
    expect(failed).toEqual([]);
    expect(report.numPendingTests + report.numTodoTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(20);
    expect(report.success).toBe(true);
    expect(run.exitCode).toBe(0);
  }, 900_000);
});
