import { readFileSync } from 'node:fs';

/**
 * The package's version, read from package.json beside the sources (`tsx src/cli/main.ts`) or
 * beside `dist/` (the built command); read on demand so `--help` never pays for it.
 */
export function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === 'xrepl' && 'version' in parsed) {
        return String(parsed.version);
      }
    } catch {
      // Not at this level: try the next one.
    }
  }
  return 'unknown';
}
