import type { HookConfig } from '../config/config-types.js';
import { filesystemFilter } from '../filter/filesystem-filter.js';
import type { SnapshotHook } from './snapshot-hooks.js';

/** The hooks of a validated config, their `filesystems` patterns turned into filters. */
export function snapshotHooks(hooks: readonly HookConfig[]): SnapshotHook[] {
  return hooks.map((hook) => ({
    path: hook.path,
    timeoutMs: hook.timeoutMs,
    errIsFatal: hook.errIsFatal,
    ...(hook.filesystems !== undefined ? { filter: filesystemFilter(hook.filesystems) } : {}),
  }));
}
