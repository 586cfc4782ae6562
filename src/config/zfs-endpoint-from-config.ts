import type { Endpoint } from '../endpoint/endpoint.js';
import type { FilesystemMatcher } from '../endpoint/filtered-sender.js';
import { createZfsEndpoint } from '../endpoint/zfs-endpoint.js';
import { createLocalTransport } from '../transport/local-transport.js';
import { createSshTransport } from '../transport/ssh-transport.js';
import type { EndpointConfig } from './config-types.js';
import type { ReceiveOptions, SendOptions } from '../transfer-options/transfer-options.js';

/** How the job uses the endpoint: a filtered sender, or a receiver confined to `rootFs`. */
export type ZfsEndpointRole =
  | { role: 'sender'; filter: FilesystemMatcher; roots?: readonly string[] | undefined; send?: SendOptions | undefined }
  | { role: 'receiver'; rootFs: string; filter?: FilesystemMatcher | undefined; createRootFs?: boolean | undefined; receive?: ReceiveOptions | undefined };

/**
 * The zfs endpoint for one side of a job: zfs on this machine, or over ssh with the job's
 * `connect`. A module of its own so that only jobs on real pools load the zfs layer (execa).
 */
export async function createZfsEndpointFromConfig(config: Extract<EndpointConfig, { type: 'zfs' }>, use: ZfsEndpointRole): Promise<Endpoint> {
  const transport =
    config.transport === 'local'
      ? createLocalTransport()
      : createSshTransport({
          host: config.ssh.host,
          user: config.ssh.user,
          port: config.ssh.port,
          identityFile: config.ssh.identityFile,
          options: config.ssh.options,
          allowUnsafeOptions: config.ssh.allowUnsafeOptions,
          zfsPath: config.ssh.zfsPath,
        });
  return use.role === 'sender'
    ? createZfsEndpoint({ transport, role: 'sender', filter: use.filter, roots: use.roots, send: use.send })
    : createZfsEndpoint({ transport, role: 'receiver', rootFs: use.rootFs, filter: use.filter, createRootFs: use.createRootFs, receive: use.receive });
}
