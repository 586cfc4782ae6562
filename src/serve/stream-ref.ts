/**
 * Lets a stream hold the process open or not (`ref`/`unref` of its handle). Node's pipe and socket
 * streams have them but their types do not say so, and other duplex streams lack them: then this
 * does nothing.
 */
export function setStreamRef(stream: object, keepAlive: boolean): void {
  const method: unknown = Reflect.get(stream, keepAlive ? 'ref' : 'unref');
  if (typeof method === 'function') Reflect.apply(method, stream, []);
}
