import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPool, createReplicationJob, EndpointError, startLiveView, type Endpoint } from '../../src/index.js';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium.js';

const chromium = chromiumPath();

// Text that would run script if the page put it into markup. ZFS forbids these characters in
// dataset names and xrepl in job names, but error messages (zfs's stderr, a remote server's
// answer) and an embedder's page title can carry them.
const HOSTILE_MESSAGE = 'cannot send: <img src=x onerror="window.__pwned=1">';
const HOSTILE_TITLE = '</title><script>window.__pwned=2</script>';
const JOB = 'embedded';

describe.skipIf(chromium === undefined)('live view embedded in a library user (headless Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows markup in error messages and the title as text, loads nothing from elsewhere, and lights the states of a run', async () => {
    const source = createMemoryPool({ name: 'source' });
    for (const fs of ['tank', 'tank/refused']) {
      source.createFilesystem(fs);
      source.write(fs, 'data', 'x'.repeat(256 * 1024));
      source.snapshot(fs, 'today');
    }
    // Slow enough that the page sees the transfer running.
    source.faults.add({ call: 'send', times: Infinity, effect: { type: 'slow', bytesPerChunk: 16 * 1024, delayMs: 40 } });
    const target = createMemoryPool({ name: 'target' });
    target.createFilesystem('backup');
    const plain = source.sender();
    // The sender refuses one filesystem with a message full of markup.
    const sender: Endpoint = Object.assign(Object.create(plain) as Endpoint, {
      send: (request: Parameters<Endpoint['send']>[0], signal: AbortSignal) =>
        request.filesystem === 'tank/refused'
          ? Promise.reject(new EndpointError(HOSTILE_MESSAGE, { kind: 'permission-denied', errorClass: 'permanent' }))
          : plain.send(request, signal),
    });
    const job = createReplicationJob({ name: JOB, sender, receiver: target.receiver({ rootFs: 'backup' }), progressIntervalMs: 50 });
    job.start();
    const view = await startLiveView({ jobs: [{ job }], title: HOSTILE_TITLE });
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    try {
      await page.goto(view.url);
      const activeIn = (machine: string) =>
        page.evaluate(
          (name: string, m: string) => {
            const section = [...document.querySelectorAll<HTMLElement>('section.lv-job')].find((s) => s.dataset['job'] === name);
            const box = section?.querySelector(`.lv-diagram-box[data-machine="${m}"]`);
            return [...(box?.querySelectorAll<SVGGElement>('g.lv-state.lv-active') ?? [])].map((g) => g.dataset['path'] ?? '');
          },
          JOB,
          machine,
        );
      await page.waitForSelector('.lv-diagram-box[data-machine="job"] svg g.lv-state.lv-active');
      expect(await activeIn('job')).toEqual(expect.arrayContaining(['work', 'work.idle', 'watchdog', 'watchdog.disarmed']));

      const finished = job.nextInvocation();
      job.wakeup();
      await page.waitForFunction(() => document.querySelector('.lv-diagram-box[data-machine="filesystem"] g.lv-state.lv-active[data-path="ready.transferring"]') !== null);
      expect(await activeIn('job')).toEqual(expect.arrayContaining(['work.replicating', 'watchdog.armed']));
      expect(await activeIn('replication')).toEqual(expect.arrayContaining(['working', 'working.running']));
      await finished;
      await page.waitForFunction(() => document.querySelector('.lv-diagram-box[data-machine="job"] g.lv-active[data-path="work.idle"]') !== null);

      await page.waitForFunction(() => [...document.querySelectorAll('table.lv-filesystems td.lv-problem')].some((td) => td.textContent !== ''));
      const shown = await page.evaluate(() => ({
        title: document.title,
        heading: document.querySelector('section.lv-job h2')?.textContent,
        filesystems: [...document.querySelectorAll('table.lv-filesystems td:first-child')].map((td) => td.textContent),
        problems: [...document.querySelectorAll('table.lv-filesystems td.lv-problem')].map((td) => td.textContent),
        injected: document.querySelectorAll('img, script:not([src]), main svg:not(.lv-diagram)').length,
        pwned: (window as unknown as { __pwned?: number }).__pwned,
      }));
      expect(shown.title).toBe(HOSTILE_TITLE);
      expect(shown.heading).toBe(`job ${JOB}`);
      expect(shown.filesystems).toEqual(['tank', 'tank/refused']);
      expect(shown.problems.some((p) => p?.includes(HOSTILE_MESSAGE))).toBe(true);
      expect(shown.injected).toBe(0);
      expect(shown.pwned).toBeUndefined();
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((url) => !url.startsWith(view.url))).toEqual([]);
    } finally {
      await page.close();
      await view.close();
      job.stop();
    }
  }, 60_000);
});
