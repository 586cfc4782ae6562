/**
 * Files in the OpenZFS guest, for fixtures that set up and inspect data: written through ssh's
 * stdin, read back as base64 lines (name, tab, content) so binary content survives.
 */
import { guest, q, type OpenZfsVm } from './openzfs-vm.js';

/** The mountpoint of a guest filesystem, mounting it first (read-only when asked) if it is not mounted. */
export async function guestMounted(vm: OpenZfsVm, fs: string, options: { readOnly?: boolean } = {}): Promise<string> {
  const [mountpoint, isMounted] = (await guest(vm, `zfs get -H -o value mountpoint,mounted ${q(fs)}`)).trim().split('\n');
  if (isMounted !== 'yes') await guest(vm, `zfs mount ${options.readOnly ? '-o ro ' : ''}${q(fs)}`);
  if (mountpoint === undefined || !mountpoint.startsWith('/')) throw new Error(`${fs} has no mountpoint in the guest (${String(mountpoint)})`);
  return mountpoint;
}

/** Writes bytes to a file in the guest. */
export async function guestWriteFile(vm: OpenZfsVm, path: string, bytes: Uint8Array): Promise<void> {
  await guest(vm, `cat > ${q(path)}`, { input: Buffer.from(bytes) });
}

/** The regular files directly in a guest directory, name → bytes, sorted by name. */
export async function guestReadFiles(vm: OpenZfsVm, dir: string): Promise<Map<string, Buffer>> {
  const out = await guest(vm, `cd ${q(dir)} && for f in * .[!.]*; do [ -f "$f" ] && printf '%s\\t%s\\n' "$f" "$(base64 -w0 "$f")"; done; true`);
  const files = new Map<string, Buffer>();
  for (const line of out.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    files.set(line.slice(0, tab), Buffer.from(line.slice(tab + 1), 'base64'));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The files of a snapshot, read through a temporary clone so that nothing of the filesystem itself is mounted or changed. */
export async function guestReadSnapshotFiles(vm: OpenZfsVm, fs: string, snapshot: string): Promise<Map<string, Buffer>> {
  const pool = fs.split('/')[0] ?? fs;
  const clone = `${pool}/xrepl_read_${Math.random().toString(16).slice(2, 10)}`;
  await guest(vm, `zfs clone -o mountpoint=/mnt/${clone.replace(/\//g, '_')} ${q(`${fs}@${snapshot}`)} ${q(clone)}`);
  try {
    return await guestReadFiles(vm, `/mnt/${clone.replace(/\//g, '_')}`);
  } finally {
    await guest(vm, `zfs destroy ${q(clone)}`);
  }
}
