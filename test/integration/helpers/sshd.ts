/**
 * Test blocks that need a real loopback sshd (started by `startTestSshd`): skipped with the reason
 * when this machine cannot run one, failing instead under XREPL_REQUIRE_SSH=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { describe, it } from 'vitest';
import { SSHD_PATH } from '../../helpers/test-sshd.js';

export { startTestSshd, SSHD_PATH, type TestSshd, type TestSshdOptions } from '../../helpers/test-sshd.js';

/** Set to 1 (by `.ci/run`) to make a missing sshd a failure instead of a skip. */
export const REQUIRE_SSH = process.env.XREPL_REQUIRE_SSH === '1';

/** Why a test sshd cannot run here, or undefined when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(SSHD_PATH)) return `${SSHD_PATH} is missing (apt-get install openssh-server)`;
  if (spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' }).error) return 'ssh-keygen is missing (apt-get install openssh-client)';
  if (userInfo().uid !== 0) return 'the test sshd logs in as the current user only when run as root';
  return undefined;
}

/** A describe block that needs sshd: skipped with its reason, or failing under XREPL_REQUIRE_SSH=1. */
export function describeWithSshd(name: string, body: () => void): void {
  const reason = sshdUnavailableReason();
  if (reason === undefined) describe(name, body);
  else if (REQUIRE_SSH) {
    describe(name, () => {
      it('needs sshd (XREPL_REQUIRE_SSH=1)', () => {
        throw new Error(`XREPL_REQUIRE_SSH=1 but a test sshd cannot run: ${reason}`);
      });
    });
  } else {
    console.warn(`[xrepl] skipping "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}
