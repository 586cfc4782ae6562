import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the daemon's control socket lives when neither `--socket` nor `global.control.socket_path`
 * says: `/run/xrepl` for root, `$XDG_RUNTIME_DIR/xrepl` for a user session, else a per-user
 * directory under the temp dir.
 */
export function defaultControlSocketPath(env: NodeJS.ProcessEnv = process.env, uid: number | undefined = process.getuid?.()): string {
  if (uid === 0) return '/run/xrepl/control.sock';
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime) return join(runtime, 'xrepl', 'control.sock');
  return join(tmpdir(), `xrepl-${uid ?? 'user'}`, 'control.sock');
}
