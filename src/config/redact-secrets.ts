/** What replaces a secret in printed configuration. */
export const REDACTED = '[redacted]';

// Key names that hold secrets in configurations generally; xrepl's own schema has none, but a
// printed value may come from anywhere (ssh options, future keys).
const secretKeyPattern = /pass(word|phrase)?|secret|token|credential|private[_-]?key|api[_-]?key|^auth/i;
// `Key=Value` strings whose key looks secret, e.g. an ssh `-o SetEnv=PASSWORD=...`.
const secretAssignmentPattern = /((?:pass(?:word|phrase)?|secret|token|credential|api[_-]?key)[A-Za-z0-9_]*\s*=\s*)[^\s,;]+/gi;
const pemPattern = /-----BEGIN [A-Z ]*(PRIVATE KEY|ENCRYPTED)[A-Z ]*-----/;

/**
 * A deep copy of a configuration value fit for printing: values under secret-looking keys, key
 * material and the value part of secret-looking `KEY=value` strings are replaced by `[redacted]`.
 * File paths (such as `identity_file`) are kept: they are not secrets.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, secretKeyPattern.test(key) && v !== undefined && v !== null ? REDACTED : redactSecrets(v)]),
    );
  }
  return value;
}

function redactString(text: string): string {
  if (pemPattern.test(text)) return REDACTED;
  return text.replace(secretAssignmentPattern, `$1${REDACTED}`);
}
