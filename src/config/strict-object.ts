import { z } from 'zod';

/** A strict zod object whose unknown-key error names the keys it takes. */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected only ${keys}` : undefined),
  });
}
