// Keyed records in store state (per-set errors and transfers, unsaved gallery items) are replaced, never mutated.

/** A copy of `record` with `key` set to `value`, or without `key` when value is null or undefined. */
export function withEntry<V>(record: Record<string, V>, key: string, value: V | null | undefined): Record<string, V> {
  const next = { ...record };
  if (value === null || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}
