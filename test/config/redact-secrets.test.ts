import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/config/redact-secrets.js';

describe('redactSecrets', () => {
  it('replaces values under secret-looking keys at any depth', () => {
    const input = { jobs: [{ connect: { host: 'h', password: 'hunter2', api_key: 'k', nested: { client_secret: 's', token: 't' } } }] };
    expect(redactSecrets(input)).toEqual({
      jobs: [{ connect: { host: 'h', password: REDACTED, api_key: REDACTED, nested: { client_secret: REDACTED, token: REDACTED } } }],
    });
  });

  it('keeps file paths such as identity_file: a path is not a secret', () => {
    expect(redactSecrets({ identity_file: '/root/.ssh/id_xrepl', identityFile: '/k' })).toEqual({ identity_file: '/root/.ssh/id_xrepl', identityFile: '/k' });
  });

  it('redacts key material wherever it appears', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    expect(redactSecrets({ options: [pem] })).toEqual({ options: [REDACTED] });
  });

  it('redacts the value of secret-looking KEY=value strings and keeps the rest', () => {
    expect(redactSecrets(['SetEnv=PASSWORD=hunter2', 'StrictHostKeyChecking=yes'])).toEqual([`SetEnv=PASSWORD=${REDACTED}`, 'StrictHostKeyChecking=yes']);
  });

  it('does not change its input', () => {
    const input = { password: 'x' };
    redactSecrets(input);
    expect(input).toEqual({ password: 'x' });
  });
});
