import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { attemptZfs, attemptZfsLines } from '../../src/zfs/command-runner.js';

let dir: string;
const script = async (name: string, body: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
};
const signal = (): AbortSignal => new AbortController().signal;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-output-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('zfs output is read as it streams, within caps', () => {
  it('fails a call whose stdout passes the cap with output-too-large instead of buffering it', async () => {
    // 8 MiB of output against a 1 MiB cap: the call ends with the error, zfs is killed.
    const zfs = await script('zfs-big', 'head -c 8388608 /dev/zero');
    const attempt = await attemptZfs(createLocalTransport({ zfsPath: zfs }), ['get', 'all'], { signal: signal(), maxOutputBytes: 1024 * 1024 });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.error.kind).toBe('output-too-large');
  });

  it('hands a listing to its reader line by line, the last line without its newline too', async () => {
    const zfs = await script('zfs-lines', "printf 'a\\tguid\\t1\\nb\\tguid\\t2\\nc\\tguid\\t3'");
    const lines: string[] = [];
    const attempt = await attemptZfsLines(createLocalTransport({ zfsPath: zfs }), ['get'], { signal: signal() }, (l) => lines.push(l));
    expect(attempt.ok).toBe(true);
    expect(lines).toEqual(['a\tguid\t1', 'b\tguid\t2', 'c\tguid\t3']);
  });

  it('a line reader that throws stops zfs and fails the call with its error', async () => {
    const zfs = await script('zfs-endless', 'yes garbage');
    const attempt = await attemptZfsLines(createLocalTransport({ zfsPath: zfs }), ['get'], { signal: signal() }, () => {
      throw new Error('cannot parse');
    });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) {
      expect(attempt.error.kind).toBe('unexpected-output');
      expect(attempt.error.message).toContain('cannot parse');
    }
  });

  it('a listing over the listing cap fails with output-too-large', async () => {
    const zfs = await script('zfs-endless-rows', "yes 'p/f\tguid\t1'");
    let rows = 0;
    const attempt = await attemptZfsLines(createLocalTransport({ zfsPath: zfs }), ['get'], { signal: signal(), maxOutputBytes: 2 * 1024 * 1024 }, () => {
      rows++;
    });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.error.kind).toBe('output-too-large');
    expect(rows).toBeLessThan(300_000);
  });

  it('runs zfs in the C locale, whose messages the classifier reads', async () => {
    const zfs = await script('zfs-locale', 'echo "$LC_ALL"');
    const attempt = await attemptZfs(createLocalTransport({ zfsPath: zfs }), ['get'], { signal: signal() });
    expect(attempt.stdout).toBe('C\n');
  });

  it('a missing local zfs is zfs-not-found with a hint about PATH', async () => {
    const attempt = await attemptZfs(createLocalTransport({ zfsPath: join(dir, 'no-such-zfs') }), ['get'], { signal: signal() });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) {
      expect(attempt.error.kind).toBe('zfs-not-found');
      expect(attempt.error.errorClass).toBe('permanent');
      expect(attempt.error.hint).toMatch(/PATH/);
    }
  });

  it('escapes terminal control sequences of stderr in the error message, keeping stderr whole', async () => {
    const zfs = await script('zfs-escape', "printf 'cannot open \\033]0;pwned\\007x: dataset does not exist\\n' >&2; exit 1");
    const attempt = await attemptZfs(createLocalTransport({ zfsPath: zfs }), ['get'], { signal: signal() });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) {
      expect(attempt.error.message).not.toMatch(/[\u001b\u0007]/);
      expect(attempt.error.message).toContain('\\x1b]0;pwned\\x07x');
      expect(attempt.error.stderr).toContain('\u001b]0;pwned');
      expect(attempt.error.kind).toBe('dataset-not-found');
    }
  });
});

describe('unparsable output in messages', () => {
  it('quotes a hostile line with every control character escaped, C1 included, and cut short', async () => {
    const { unexpectedOutput } = await import('../../src/zfs/unexpected-output.js');
    const e = unexpectedOutput(['zfs', 'get'], `\u009b2J\u001b[31m${'x'.repeat(1000)}`, 'no column');
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(e.message.length).toBeLessThan(400);
  });
});
