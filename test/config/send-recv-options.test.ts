import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';
import { configProblemLines } from './config-problems.js';

// A local zfs job with the given send and recv sections (and, when given, memory sides).
const job = (sections: string, sides = ''): string => `
memory_pools:
  src: {}
jobs:
  - name: backup
    type: local
${sides}    filesystems: { "tank<": true }
    root_fs: backup/tank
    snapshotting: { type: manual }
    pruning: { keep_sender: [ { type: last_n, count: 3 } ], keep_receiver: [ { type: last_n, count: 3 } ] }
${sections}`;


describe('send: and recv: of a job', () => {
  it('resolves every send flag, the receive properties, placeholder encryption and both bandwidth limits', () => {
    const config = parseConfig(
      job(`    send:
      encrypted: true
      send_properties: true
      backup_properties: false
      large_blocks: true
      compressed: true
      embedded_data: true
      bandwidth_limit: { max: 23.5 MiB, bucket_capacity: 1 MiB }
    recv:
      properties:
        override: { compression: zstd, "org.example:tag": backup, atime: off }
        inherit: [ mountpoint ]
      placeholder: { encryption: off }
      bandwidth_limit: { max: 10 MB }
`),
    );
    expect(config.jobs[0]).toMatchObject({
      send: { encrypted: true, properties: true, backupProperties: false, largeBlocks: true, compressed: true, embeddedData: true },
      receive: { override: { compression: 'zstd', 'org.example:tag': 'backup', atime: 'off' }, inherit: ['mountpoint'], placeholderEncryption: 'off' },
      bandwidthLimit: { send: { bytesPerSecond: Math.floor(23.5 * 2 ** 20), burstBytes: 2 ** 20 }, receive: { bytesPerSecond: 10_000_000, burstBytes: 128 * 1024 } },
    });
  });

  it('leaves a job without them as before', () => {
    const [resolved] = parseConfig(job('')).jobs;
    expect(resolved?.send).toBeUndefined();
    expect(resolved?.receive).toBeUndefined();
    expect(resolved?.bandwidthLimit).toBeUndefined();
  });

  it('names an unknown key with the keys send takes', () => {
    expect(configProblemLines(job('    send: { rawish: true }\n'))).toEqual([expect.stringMatching(/jobs\[0\]\.send\.rawish.*unknown key; expected only encrypted, raw, send_properties/)]);
  });

  it('refuses saved, saying why', () => {
    expect(configProblemLines(job('    send: { saved: true }\n'))).toEqual([expect.stringMatching(/jobs\[0\]\.send\.saved.*partially received state.*refuses a snapshot/)]);
  });

  it('refuses a bad size, a zero rate and an unknown unit, naming the key', () => {
    expect(configProblemLines(job('    send: { bandwidth_limit: { max: fast } }\n'))).toEqual([expect.stringMatching(/send\.bandwidth_limit\.max.*invalid size "fast"/)]);
    expect(configProblemLines(job('    recv: { bandwidth_limit: { max: 0 } }\n'))).toEqual([expect.stringMatching(/recv\.bandwidth_limit\.max.*above zero/)]);
    expect(configProblemLines(job('    send: { bandwidth_limit: { max: 10 MiB, bucket_capacity: 3 parsecs } }\n'))).toEqual([
      expect.stringMatching(/send\.bandwidth_limit\.bucket_capacity.*unknown unit "parsecs"/),
    ]);
  });

  it('refuses bad property names, xrepl properties, canmount=on and a property both overridden and inherited', () => {
    const problems = configProblemLines(
      job(`    recv:
      properties:
        override: { Compression: off, "xrepl:placeholder": off, canmount: on, atime: off }
        inherit: [ atime, "-F" ]
`),
    );
    expect(problems).toEqual([
      expect.stringMatching(/override\.Compression.*invalid property name/),
      expect.stringMatching(/override\["xrepl:placeholder"\].*xrepl's own/),
      expect.stringMatching(/override\.canmount.*expected off or noauto/),
      expect.stringMatching(/inherit\[0\].*atime is in override too/),
      expect.stringMatching(/inherit\[1\].*invalid property name "-F"/),
    ]);
  });

  it('refuses zfs flags on a memory side, but takes a bandwidth limit there', () => {
    const sides = '    sender: { type: memory, pool: src }\n    receiver: { type: memory, pool: src }\n';
    expect(configProblemLines(job('    send: { compressed: true }\n    recv: { placeholder: { encryption: off } }\n', sides))).toEqual([
      expect.stringMatching(/jobs\[0\]\.send\.compressed.*zfs send flags.*sender is a memory pool/),
      expect.stringMatching(/jobs\[0\]\.recv\.placeholder.*zfs receive flags.*receiver is a memory pool/),
    ]);
    expect(parseConfig(job('    send: { bandwidth_limit: { max: 1 MiB } }\n', sides)).jobs[0]?.bandwidthLimit?.send).toEqual({ bytesPerSecond: 2 ** 20, burstBytes: 128 * 1024 });
  });
});
