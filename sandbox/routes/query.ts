import { SandboxError } from '../envelope.js';

/** The list query parameters the sandbox understands (openapi-v1.yaml `components.parameters` and per-path ones). */
export interface ListQuery {
  size?: string;
  cursor?: string;
  userId?: string;
  accountId?: string;
  sourceId?: string;
  startDate?: string;
  endDate?: string;
  startMonth?: string;
  endMonth?: string;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const KNOWN = new Set([
  'size',
  'cursor',
  'userId',
  'accountId',
  'sourceId',
  'startDate',
  'endDate',
  'startMonth',
  'endMonth',
]);

/** Reads a list query; 400 INVALID_PARAMETERS on a malformed value, an array, or an empty id filter. */
export function listQuery(raw: unknown, allowed: readonly (keyof ListQuery)[]): ListQuery {
  const query: ListQuery = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (!KNOWN.has(key) || !allowed.includes(key as keyof ListQuery)) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200)
      throw new SandboxError('INVALID_PARAMETERS', `${key} is invalid`);
    if ((key === 'startDate' || key === 'endDate') && !DATE.test(value))
      throw new SandboxError('INVALID_PARAMETERS', `${key} must be YYYY-MM-DD`);
    if ((key === 'startMonth' || key === 'endMonth') && !MONTH.test(value))
      throw new SandboxError('INVALID_PARAMETERS', `${key} must be YYYY-MM`);
    query[key as keyof ListQuery] = value;
  }
  return query;
}

/** Whether [from, to] (either open) overlaps [start, end] (end open when null). Strings compare as ISO dates. */
export function overlaps(start: string, end: string | null, from?: string, to?: string): boolean {
  return (to === undefined || start <= to) && (from === undefined || end === null || end >= from);
}
