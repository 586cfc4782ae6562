import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../src/progress/progress-tracker.js';
import type { FilesystemState, JobReport, JobState } from '../../src/report/job-report.js';

const report = (state: JobState, bytes: number, fsState: FilesystemState = 'active', number = 1): JobReport => ({
  job: 'j',
  state,
  watchdog: 'armed',
  wakeupPending: false,
  current: {
    number,
    startedAt: '',
    ok: false,
    replication: { state: 'working', filesystems: [{ filesystem: 'tank/a', state: fsState, attempts: 1, completedSteps: [], pendingSteps: [], bytes, expectedBytes: 1000 }] },
  },
});

describe('ProgressTracker', () => {
  it('derives a rate and an ETA from successive byte counts', () => {
    let now = 0;
    const tracker = new ProgressTracker(() => now);
    expect(tracker.update(report('replicating', 0)).filesystems[0]?.rate).toBeUndefined();
    now = 1000;
    const [fs] = tracker.update(report('replicating', 200)).filesystems;
    expect(fs?.rate).toBe(200);
    expect(fs?.etaSeconds).toBe(4);
  });

  it('reports each job and filesystem state change once', () => {
    const tracker = new ProgressTracker(() => 0);
    const first = tracker.update(report('replicating', 0)).events.map((e) => e.type);
    expect(first).toEqual(['job-state', 'filesystem-state']);
    expect(tracker.update(report('replicating', 10)).events).toEqual([]);
    const done = tracker.update(report('replicating', 1000, 'completed')).events;
    expect(done).toEqual([expect.objectContaining({ type: 'filesystem-state', from: 'active' })]);
  });

  it('starts over for a new invocation', () => {
    const tracker = new ProgressTracker(() => 0);
    tracker.update(report('replicating', 1000, 'completed'));
    const events = tracker.update(report('replicating', 0, 'completed', 2)).events;
    expect(events).toEqual([expect.objectContaining({ type: 'filesystem-state', from: undefined })]);
  });
});
