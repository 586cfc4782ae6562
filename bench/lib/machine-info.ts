/** The machine and the versions a benchmark ran with, for BENCHMARKS.md. */
import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

function output(program: string, args: readonly string[]): string | undefined {
  const r = spawnSync(program, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim();
}

/** What the figures depend on: cores, memory, kernel, node, zfs-fuse, syncoid, the xrepl commit. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  zfsFuse: string;
  syncoid: string;
  xreplCommit: string;
}

/** Reads the machine and versions (unknown ones as "absent"). */
export function machineInfo(): MachineInfo {
  return {
    nproc: Number(output('nproc', []) ?? cpus().length),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    zfsFuse: output('dpkg-query', ['-W', '-f', '${Version}', 'zfs-fuse']) ?? 'absent',
    syncoid: output('dpkg-query', ['-W', '-f', '${Version}', 'sanoid']) ?? 'absent',
    xreplCommit: output('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown',
  };
}

/** The machine as markdown lines. */
export function describeMachine(info: MachineInfo): string {
  return [
    `- machine: ${info.nproc} cores (${info.cpuModel}), ${info.memoryGiB} GiB, Linux ${info.kernel}; shared with other jobs while measuring`,
    `- versions: node ${info.node}, zfs-fuse ${info.zfsFuse}, syncoid (sanoid) ${info.syncoid}, xrepl ${info.xreplCommit}`,
  ].join('\n');
}
