import { JOB_ID_PATTERN } from './cursor.js';

/** The prefix of every job's cursor property (see `cursorPropertyName`). */
export const CURSOR_PROPERTY_PREFIX = 'xrepl:cursor.';

/**
 * The job whose cursor property this is, or undefined for any other property: the inverse of
 * `cursorPropertyName` (`_` and a letter is that letter in upper case, `__` is `_`). Read left to
 * right the escaping is unambiguous, so every job's property maps back to exactly that job.
 */
export function jobOfCursorProperty(property: string): string | undefined {
  if (!property.startsWith(CURSOR_PROPERTY_PREFIX)) return undefined;
  const escaped = property.slice(CURSOR_PROPERTY_PREFIX.length);
  let job = '';
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i] as string;
    if (c !== '_') {
      // Upper case never appears escaped-free: zfs lower-cases nothing, xrepl writes none.
      if (!/[a-z0-9-]/.test(c)) return undefined;
      job += c;
      continue;
    }
    const next = escaped[i + 1];
    if (next === '_') job += '_';
    else if (next !== undefined && /[a-z]/.test(next)) job += next.toUpperCase();
    else return undefined;
    i++;
  }
  return JOB_ID_PATTERN.test(job) ? job : undefined;
}
