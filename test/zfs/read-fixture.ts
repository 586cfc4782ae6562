/** Reads a recorded zfs output from `fixtures/`, without its first-line `#` note on the source. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function readFixture(name: string): string {
  const text = readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
  return text.startsWith('#') ? text.slice(text.indexOf('\n') + 1) : text;
}
