/**
 * Machine snapshots as plain JSON data for the inspector: guids and txgs (bigints) as decimal
 * strings, no functions (a context's clock), and the replication machine's entry table, maps and
 * sets as arrays and objects, not their internal chunks. The inspector's own serialization would
 * print a bigint as a number (losing digits) and a class's private fields as they lie.
 */
export function toPlain(value: unknown, depth = 0): unknown {
  if (depth > 64) return '[too deep]';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v, depth + 1)]));
  if (value instanceof Set) return [...value].map((v) => toPlain(v, depth + 1));
  if ('toArray' in value && typeof value.toArray === 'function') return toPlain(value.toArray() as unknown, depth + 1);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const plain = toPlain(v, depth + 1);
    if (plain !== undefined) out[k] = plain;
  }
  return out;
}

/** The parts of an XState snapshot the inspector shows, as plain data (no children refs). */
export function plainSnapshot(snapshot: unknown): unknown {
  if (snapshot === null || typeof snapshot !== 'object') return snapshot;
  const s = snapshot as Record<string, unknown>;
  return toPlain({ status: s['status'], value: s['value'], context: s['context'], output: s['output'], error: s['error'], tags: s['tags'] });
}
