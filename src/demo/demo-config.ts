/**
 * The embedded demo's configuration, in the same YAML an operator writes (so `xrepl run --demo`
 * is exactly `xrepl run --config` on this text): two memory pools, a few filesystems with
 * content, and injected faults so retries and the watchdog show. Delays are short so the whole
 * demo takes a few seconds.
 */
export const DEMO_CONFIG_YAML = `
global:
  logging: { level: info, format: auto }

memory_pools:
  production:
    filesystems:
      tank/projects/website:  { snapshots: [daily_1, daily_2, daily_3], bytes_per_snapshot: 32768 }
      tank/projects/database: { snapshots: [daily_1, daily_2, daily_3], bytes_per_snapshot: 24576 }
      tank/home/alice:        { snapshots: [daily_1, daily_2], bytes_per_snapshot: 24576 }
      tank/home/bob:          { snapshots: [daily_1, daily_2, daily_3, daily_4], bytes_per_snapshot: 16384 }
      tank/scratch:           { snapshots: [daily_1], bytes_per_snapshot: 4096 }
    faults:
      # Every send streams slowly, so the progress bars have something to show.
      - { call: send, times: all, effect: slow, bytes_per_chunk: 16384, delay: 60ms }
      # alice's first send fails with a transient error: the filesystem retries after 300 ms.
      - { call: send, filesystem: tank/home/alice, times: 1, effect: error, error_class: transient }
      # database's first send hangs: nothing progresses, and after 2 s the watchdog cancels the
      # replication so that pruning still runs; the next invocation replicates it.
      - { call: send, filesystem: tank/projects/database, times: 1, effect: hang }
  backup:
    filesystems:
      backup/production: {}

jobs:
  - name: demo
    type: local
    sender: { type: memory, pool: production }
    receiver: { type: memory, pool: backup }
    filesystems:
      "tank<": true
      "tank/scratch<": false
    root_fs: backup/production
    snapshotting: { type: periodic, prefix: xrepl_, interval: 10m }
    pruning:
      keep_sender:
        - { type: not_replicated }
        - { type: last_n, count: 2 }
      keep_receiver:
        - { type: last_n, count: 3 }
    replication:
      concurrency: 2
      initial_replication: all
      retry: { max_attempts: 3, initial_delay: 300ms, max_delay: 1s }
      progress_interval: 150ms
    watchdog_timeout: 2s
`;

