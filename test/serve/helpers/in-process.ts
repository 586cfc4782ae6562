/**
 * A server and a remote endpoint joined by two in-memory pipes, as ssh would join them: what the
 * tests run the protocol over without a process in between.
 */
import { PassThrough } from 'node:stream';
import type { ByteChannel } from '../../../src/serve/framed-connection.js';
import { type ServeConnectionOptions, serveConnection } from '../../../src/serve/endpoint-server.js';
import { type RemoteEndpoint, type RemoteEndpointOptions, createRemoteEndpoint } from '../../../src/serve/remote-endpoint.js';

/** Two channels: the client's and the server's ends of one duplex byte stream. */
export function pipePair(): { client: ByteChannel; server: ByteChannel } {
  const up = new PassThrough();
  const down = new PassThrough();
  return { client: { input: down, output: up }, server: { input: up, output: down } };
}

/** A remote endpoint whose every connection is served in-process by `serve`. */
export function inProcessRemote(
  role: RemoteEndpointOptions['role'],
  serve: ServeConnectionOptions,
  extra: Partial<RemoteEndpointOptions> = {},
): { remote: RemoteEndpoint; connections: () => number; served: Promise<Error | undefined>[] } {
  let count = 0;
  const served: Promise<Error | undefined>[] = [];
  const remote = createRemoteEndpoint({
    name: 'in-process',
    role,
    connect: async () => {
      count++;
      const { client, server } = pipePair();
      served.push(serveConnection(server, serve));
      return client;
    },
    ...extra,
  });
  return { remote, connections: () => count, served };
}
