import type { Endpoint } from '../endpoint/endpoint.js';
import type { MemoryPool } from '../endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../filter/filesystem-filter.js';
import { ConfigError } from '../domain/errors.js';
import type { EndpointConfig, JobConfig, SshConnection } from './config-types.js';
import { type FilesystemMatcher, filteredSender } from '../endpoint/filtered-sender.js';
import { withBandwidthLimits } from '../transfer-options/bandwidth-limited-endpoints.js';

/** A job's two sides, ready for `createReplicationJob`. */
export interface JobEndpoints {
  /** Serves only the filesystems the job's `filesystems:` patterns allow. */
  sender: Endpoint;
  /** Confined to the job's `root_fs`, and to the replicas of the filesystems its filter passes. */
  receiver: Endpoint;
}

/**
 * Builds the endpoints of a validated job: memory pools from `pools` (created beforehand from
 * `memory_pools:`), zfs on this machine or over ssh otherwise. The zfs modules are imported only
 * when a job uses them, so memory-only runs never load execa.
 */
export async function createJobEndpoints(job: JobConfig, pools: ReadonlyMap<string, MemoryPool>): Promise<JobEndpoints> {
  const filter = filesystemFilter(job.filesystems, { configPath: `jobs[${job.index}].filesystems` });
  let sender: Endpoint;
  if (job.sender.type === 'memory') sender = memoryPool(job, 'sender', job.sender.pool, pools).sender({ filter });
  else if (job.sender.type === 'xrepl') sender = await remoteEndpoint(job.sender.ssh, 'source', filter);
  else {
    const { createZfsEndpointFromConfig } = await import('./zfs-endpoint-from-config.js');
    sender = await createZfsEndpointFromConfig(job.sender, { role: 'sender', filter, roots: senderRoots(job.filesystems), send: job.send });
  }
  let receiver: Endpoint;
  if (job.receiver.type === 'memory') {
    const pool = memoryPool(job, 'receiver', job.receiver.pool, pools);
    // A zfs operator creates root_fs once by hand; a memory pool lives only as long as the
    // process, so it gets its root here as if it had been created beforehand.
    if (!pool.hasFilesystem(job.rootFs)) pool.createFilesystem(job.rootFs);
    receiver = pool.receiver({ rootFs: job.rootFs, filter, createRootFs: job.createRootFs });
  } else if (job.receiver.type === 'xrepl') {
    // The sink roots the client below its own root_fs/<client>; root_fs here names nothing remote.
    receiver = await remoteEndpoint(job.receiver.ssh, 'sink', filter);
  } else {
    const { createZfsEndpointFromConfig } = await import('./zfs-endpoint-from-config.js');
    receiver = await createZfsEndpointFromConfig(job.receiver, { role: 'receiver', rootFs: job.rootFs, filter, createRootFs: job.createRootFs, receive: job.receive });
  }
  return withBandwidthLimits({ sender, receiver }, job.bandwidthLimit);
}

// An `xrepl serve` over ssh, seen through the job's filter: the server confines the client, and
// the filter keeps this job to its own filesystems among what the server lets it see.
async function remoteEndpoint(ssh: SshConnection, role: 'sink' | 'source', filter: FilesystemMatcher): Promise<Endpoint> {
  const { createRemoteEndpoint } = await import('../serve/remote-endpoint.js');
  const { connectStdinServer } = await import('../serve/stdinserver-connect.js');
  const remote = createRemoteEndpoint({
    name: `xrepl:${ssh.user !== undefined ? `${ssh.user}@` : ''}${ssh.host}${ssh.port !== undefined ? `:${ssh.port}` : ''}`,
    role,
    connect: () => connectStdinServer(ssh),
  });
  return filteredSender(remote, filter);
}

function memoryPool(job: JobConfig, side: 'sender' | 'receiver', name: string, pools: ReadonlyMap<string, MemoryPool>): MemoryPool {
  const pool = pools.get(name);
  if (pool === undefined) throw new ConfigError(`no memory pool named ${JSON.stringify(name)}`, { path: `jobs[${job.index}].${side}.pool` });
  return pool;
}

/**
 * The datasets a sender's listings can start from: the filesystems of the accepting patterns
 * (so zfs never lists unrelated pools), or every pool when a bare `<` accepts everything.
 */
export function senderRoots(filesystems: Readonly<Record<string, boolean>>): string[] | undefined {
  const roots: string[] = [];
  for (const [pattern, accept] of Object.entries(filesystems)) {
    if (!accept) continue;
    const fs = pattern.endsWith('<') ? pattern.slice(0, -1) : pattern;
    if (fs === '') return undefined;
    roots.push(fs);
  }
  // Drop roots below another root: the listing recurses from the upper one anyway.
  return roots.filter((root) => !roots.some((other) => other !== root && root.startsWith(`${other}/`))).sort();
}

/** The endpoint kinds a side can be; re-exported for callers that switch on them. */
export type { EndpointConfig };
