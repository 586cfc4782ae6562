/**
 * Which ssh `-o` options a config may pass. It is an allow-list: options that only tune how ssh
 * reaches and checks the server. Anything that runs a local command (ProxyCommand, LocalCommand,
 * KnownHostsCommand), loads a library (PKCS11Provider), forwards something to the server
 * (ForwardAgent, RemoteForward, SendEnv), changes what runs remotely (RemoteCommand, RequestTTY)
 * or undoes what xrepl sets (BatchMode, IdentitiesOnly, IdentityFile) is refused, unless the
 * connect names the key in `allow_unsafe_options`.
 */

/** The options a config may pass without `allow_unsafe_options` (lower case, as ssh compares them). */
export const SAFE_SSH_OPTIONS: ReadonlySet<string> = new Set(
  [
    'AddressFamily',
    'BindAddress',
    'BindInterface',
    'CanonicalDomains',
    'CanonicalizeHostname',
    'CheckHostIP',
    'Ciphers',
    'Compression',
    'ConnectionAttempts',
    'ConnectTimeout',
    'ControlMaster',
    'ControlPath',
    'ControlPersist',
    'FingerprintHash',
    'GlobalKnownHostsFile',
    'HashKnownHosts',
    'HostKeyAlgorithms',
    'HostKeyAlias',
    'HostbasedAcceptedAlgorithms',
    'IPQoS',
    'KexAlgorithms',
    'LogLevel',
    'MACs',
    'PubkeyAcceptedAlgorithms',
    'PubkeyAcceptedKeyTypes',
    'RekeyLimit',
    'RevokedHostKeys',
    'ServerAliveCountMax',
    'ServerAliveInterval',
    'StrictHostKeyChecking',
    'TCPKeepAlive',
    'UpdateHostKeys',
    'UserKnownHostsFile',
    'VerifyHostKeyDNS',
    'VisualHostKey',
  ].map((k) => k.toLowerCase()),
);

/** The key of a `Key=Value` option. */
export function sshOptionKey(option: string): string {
  const at = option.indexOf('=');
  return at < 0 ? option : option.slice(0, at);
}

/**
 * Why the option may not be passed, naming its key, or undefined when it may. `allowUnsafe`
 * lists the keys the operator explicitly allowed beyond the safe ones (case does not matter).
 */
export function sshOptionPolicyProblem(option: string, allowUnsafe: readonly string[] = []): string | undefined {
  const key = sshOptionKey(option).toLowerCase();
  if (SAFE_SSH_OPTIONS.has(key) || allowUnsafe.some((k) => k.toLowerCase() === key)) return undefined;
  return `ssh option ${sshOptionKey(option)} is not on xrepl's list of safe ssh options (it can run commands, forward access or undo BatchMode/IdentitiesOnly); name it in allow_unsafe_options to pass it anyway`;
}
