/** The path of a field below `base` (`[1]` + `count` → `[1].count`), or the bare field at the root. */
export function fieldPath(base: string | undefined, field: string): string {
  return base ? `${base}.${field}` : field;
}
