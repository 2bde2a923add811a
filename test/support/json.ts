/** `value` rebuilt with every object's entries, at any depth, passed through `edit` (arrays keep their order). */
export function mapEntriesDeep(value: unknown, edit: (entries: [string, unknown][]) => [string, unknown][]): unknown {
  if (Array.isArray(value)) return value.map((item) => mapEntriesDeep(item, edit));
  if (value && typeof value === 'object')
    return Object.fromEntries(edit(Object.entries(value)).map(([key, item]) => [key, mapEntriesDeep(item, edit)]));
  return value;
}
