import type { InboxEvent } from './inbox.js';

/**
 * What Postgres can hold of any JSON (a validly signed body is stored,
 * whatever it contains). `jsonb` and `text` refuse the NUL character and lone
 * UTF-16 surrogates, `jsonb` has no infinite numbers, and very deep nesting
 * overflows both JSON.stringify and Postgres' parser. So, in the stored copy:
 * NUL and lone surrogates become U+FFFD (the replacement character), an
 * infinite number becomes null, and anything nested deeper than
 * MAX_STORED_DEPTH becomes the string TOO_DEEP. When that changed anything, the
 * inbox keeps the exact signed bytes beside it (`inbox_events.raw_body`).
 */
export const MAX_STORED_DEPTH = 100;
export const TOO_DEEP = '[nested deeper than 100 levels: see raw_body]';

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string Postgres accepts, the same string when it already does. */
export const storableText = (text: string) => text.replace(UNSTORABLE, '\uFFFD');

/** A copy of `value` that Postgres stores as jsonb, and whether anything had to change. */
export function storableJson(value: unknown): { value: unknown; changed: boolean } {
  let changed = false;
  const text = (s: string) => {
    const stored = storableText(s);
    if (stored !== s) changed = true;
    return stored;
  };
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return text(node);
    if (typeof node === 'number' && !Number.isFinite(node)) return ((changed = true), null);
    if (typeof node !== 'object' || node === null) return node;
    if (depth >= MAX_STORED_DEPTH) return ((changed = true), TOO_DEEP);
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) copy[text(key)] = walk(item, depth + 1);
    return copy;
  };
  return { value: walk(value, 0), changed };
}

/** The event's columns as Postgres can hold them (no NUL in text, see json.ts); the same event when they already are. */
export function storableEvent(event: Omit<InboxEvent, 'receivedAt'>): Omit<InboxEvent, 'receivedAt'> {
  const text = (value: string | null) => (value === null ? null : storableText(value));
  return {
    ...event,
    id: storableText(event.id),
    type: storableText(event.type),
    smileUserId: text(event.smileUserId),
    accountId: text(event.accountId),
    providerId: text(event.providerId),
    sourceType: text(event.sourceType),
    errorCode: text(event.errorCode),
    datapoints: event.datapoints && event.datapoints.map(storableText),
    eventCreatedAt: text(event.eventCreatedAt),
    jobId: text(event.jobId),
    resultCode: text(event.resultCode),
  };
}
