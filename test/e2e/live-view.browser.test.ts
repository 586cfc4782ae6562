import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium.js';
import { ensureBuilt } from './helpers/built-cli.js';
import { CLI_ARGS, runCli, startDaemonProcess, type DaemonProcess } from './daemon-cli.js';

const chromium = chromiumPath();
/** Set to a file path to save what the browser shows mid-run (docs/live-view.png is made so). */
const SCREENSHOT = process.env['XREPL_LIVE_VIEW_SCREENSHOT'];

// Two jobs: "backup" snapshots periodically (so a snapshotter runs); "slow" is woken by hand and
// sends slowly, so the page can be watched while it replicates.
const config = (socket: string) => `
global:
  control: { socket_path: ${JSON.stringify(socket)} }
  logging: { level: info, format: json }
  live_view: { listen: "127.0.0.1:0" }
memory_pools:
  src:
    filesystems:
      tank/data: { snapshots: [base_1] }
  dst:
    filesystems:
      backup: null
  slowsrc:
    filesystems:
      pool/home: { snapshots: [a_1, a_2], bytes_per_snapshot: 196608 }
      pool/home/user: { snapshots: [a_1], bytes_per_snapshot: 196608 }
    faults: [ { call: send, times: all, effect: slow, bytes_per_chunk: 16384, delay: 60ms } ]
  slowdst:
    filesystems:
      copy: null
jobs:
  - name: backup
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    filesystems: { "tank/data<": true }
    root_fs: backup
    snapshotting: { type: periodic, prefix: xrepl_, interval: 1h }
    pruning:
      keep_sender: [ { type: not_replicated }, { type: last_n, count: 10 } ]
      keep_receiver: [ { type: last_n, count: 10 } ]
  - name: slow
    type: local
    sender: { type: memory, pool: slowsrc }
    receiver: { type: memory, pool: slowdst }
    filesystems: { "pool/home<": true }
    root_fs: copy
    snapshotting: { type: manual }
    pruning:
      keep_sender: [ { type: last_n, count: 1 } ]
      keep_receiver: [ { type: last_n, count: 10 } ]
`;

// The paths of the highlighted states in one job's diagram of one machine.
const activeIn = (page: Page, job: string, machine: string): Promise<string[]> =>
  page.evaluate(
    (j: string, m: string) => {
      const box = document.querySelector(`section.lv-job[data-job="${j}"] .lv-diagram-box[data-machine="${m}"]`);
      return [...(box?.querySelectorAll<SVGGElement>('g.lv-state.lv-active') ?? [])].map((g) => g.dataset['path'] ?? '');
    },
    job,
    machine,
  );

const waitActive = (page: Page, job: string, machine: string, path: string): Promise<unknown> =>
  page.waitForFunction(
    (j: string, m: string, p: string) =>
      document.querySelector(`section.lv-job[data-job="${j}"] .lv-diagram-box[data-machine="${m}"] g.lv-state.lv-active[data-path="${p}"]`) !== null,
    { timeout: 30_000 },
    job,
    machine,
    path,
  );

describe.skipIf(chromium === undefined)('live view of xrepl daemon (built CLI, memory pools, headless Chromium)', () => {
  let browser: Browser;
  let dir: string;
  let socket: string;
  let daemon: DaemonProcess;
  let url: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'xrepl-live-view-'));
    socket = join(dir, 'control.sock');
    const file = join(dir, 'xrepl.yml');
    await writeFile(file, config(socket));
    daemon = await startDaemonProcess(['--config', file]);
    const started = daemon
      .stderr()
      .split('\n')
      .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg?: string; liveView?: string }) : {}))
      .find((entry) => entry.msg === 'daemon started');
    url = started?.liveView ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (daemon) {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws every machine of both jobs and follows a run of "slow": idle, replicating, pruning, idle', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    try {
      await page.goto(url);
      await waitActive(page, 'slow', 'job', 'work.idle');
      const diagrams = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('section.lv-job')].map((s) => ({
          job: s.dataset['job'],
          machines: [...s.querySelectorAll<HTMLElement>('.lv-diagram-box:not([hidden])')].map((b) => b.dataset['machine']),
          states: s.querySelectorAll('g.lv-state').length,
        })),
      );
      expect(diagrams.map((d) => d.job)).toEqual(['backup', 'slow']);
      expect(diagrams[0]?.machines).toEqual(['job', 'replication', 'filesystem', 'pruner', 'snapshotter']);
      expect(diagrams[1]?.machines).toEqual(['job', 'replication', 'filesystem', 'pruner']);
      expect(diagrams[1]?.states).toBeGreaterThan(40);
      expect((await activeIn(page, 'backup', 'snapshotter')).length).toBeGreaterThan(0);
      expect(await activeIn(page, 'slow', 'replication')).toEqual([]);

      const woken = await runCli(['signal', 'wakeup', 'slow', '--socket', socket]);
      expect(woken.code).toBe(0);
      await waitActive(page, 'slow', 'filesystem', 'ready.transferring');
      expect(await activeIn(page, 'slow', 'job')).toEqual(expect.arrayContaining(['work', 'work.replicating', 'watchdog.armed']));
      expect(await activeIn(page, 'slow', 'replication')).toEqual(expect.arrayContaining(['working', 'working.running']));
      await page.waitForFunction(() => [...document.querySelectorAll('section.lv-job[data-job="slow"] table.lv-filesystems td:nth-child(2)')].some((td) => td.textContent === 'active'));
      if (SCREENSHOT) {
        // Mid-transfer, zoomed out so the job's, the replication's and a filesystem's charts fit.
        await page.waitForFunction(() => /^[1-9]/.test(document.querySelector('section.lv-job[data-job="slow"] table.lv-filesystems td:nth-child(3)')?.textContent ?? ''));
        await page.evaluate(() => {
          document.body.style.setProperty('zoom', '0.55');
          document.querySelector('section.lv-job[data-job="slow"]')?.scrollIntoView();
        });
        await page.screenshot({ path: SCREENSHOT, fullPage: false });
      }

      await waitActive(page, 'slow', 'job', 'work.idle');
      const jobSteps = await page.evaluate(() =>
        [...document.querySelectorAll('section.lv-job[data-job="slow"] ol.lv-transitions li')]
          .map((li) => /^\S+ job: .* → (work\.[A-Za-z]+)/.exec(li.textContent ?? '')?.[1])
          .filter((step) => step !== undefined)
          .reverse(),
      );
      expect(jobSteps).toEqual(['work.replicating', 'work.pruningSender', 'work.pruningReceiver', 'work.idle']);
      // The report follows the states by up to REPORT_DELAY_MS.
      await page.waitForFunction(() => [...document.querySelectorAll('section.lv-job[data-job="slow"] table.lv-filesystems td:nth-child(2)')].every((td) => td.textContent === 'completed'));
      const rows = await page.evaluate(() =>
        [...document.querySelectorAll('section.lv-job[data-job="slow"] table.lv-filesystems tbody tr')].map((tr) => [...tr.children].slice(0, 2).map((td) => td.textContent)),
      );
      expect(rows).toEqual([
        ['pool/home', 'completed'],
        ['pool/home/user', 'completed'],
      ]);
      expect(requested.filter((u) => !u.startsWith(url))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('status --web serves the same view through the control socket', async () => {
    const child = spawn(process.execPath, [...CLI_ARGS, 'status', '--web', '--socket', socket]);
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const page = await browser.newPage();
    try {
      const webUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const found = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (found?.[1]) resolve(found[1]);
        });
        void exited.then((code) => reject(new Error(`status --web exited with ${code}`)));
      });
      expect(webUrl).not.toBe(url);
      await page.goto(webUrl);
      await waitActive(page, 'slow', 'job', 'work.idle');
      const woken = await runCli(['signal', 'wakeup', 'slow', '--socket', socket]);
      expect(woken.code).toBe(0);
      // Nothing is left to send, so this run may pass replicating within one burst; its end shows.
      await page.waitForFunction(() => /invocation 2 ok/.test(document.querySelector('section.lv-job[data-job="slow"] .lv-job-summary')?.textContent ?? ''), { timeout: 30_000 });
      await waitActive(page, 'slow', 'job', 'work.idle');
      const transitions = await page.evaluate(() => [...document.querySelectorAll('section.lv-job[data-job="slow"] ol.lv-transitions li')].map((li) => li.textContent ?? ''));
      expect(transitions.some((t) => / job: .* → work\.pruningSender/.test(t))).toBe(true);
    } finally {
      await page.close();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 90_000);
});
