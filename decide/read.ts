import { CURRENCIES, PAY_PERIODS } from './currencies.js';
import type { Item } from './types.js';

/**
 * Readers for Smile's raw JSON. Each answers a value or undefined, never throws:
 * a rule fed by an unreadable value cannot be judged, and says which item and field.
 */

/** A month as a number (year * 12 + month - 1), so months subtract. */
export type MonthIndex = number;

export const monthOfDate = (date: Date): MonthIndex => date.getUTCFullYear() * 12 + date.getUTCMonth();

/** `2026-03` or `2026-03-31` (with or without a time) → its month; anything else → undefined. */
export function monthOf(value: unknown): MonthIndex | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:$|T)/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), match[3] === undefined ? 1 : Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return year * 12 + month - 1;
}

/**
 * A provider's dates are local calendar dates, so a date string is read as its
 * first ten characters (`2026-12-03T00:00:00+08:00` is 2026-12-03, never moved to
 * another day by its offset) and must be a real day (no 2026-02-30).
 */
export function dayOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${match[1]}-${match[2]}-${match[3]}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whole months from one day to a later one: a month is complete on the same day
 * of the month, or on the last day of a shorter month (2026-01-31 to 2026-02-28
 * is one month; 2024-02-29 to 2025-02-28 is twelve). Undefined for an unreadable
 * day; negative when `to` is before `from`.
 */
export function wholeMonths(from: string, to: string): number | undefined {
  const [a, b] = [dayOf(from), dayOf(to)];
  if (!a || !b) return undefined;
  if (b < a) return -1;
  const [y1, m1, d1] = a.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = b.split('-').map(Number) as [number, number, number];
  const months = (y2 - y1) * 12 + (m2 - m1);
  const anniversary = Math.min(d1, daysInMonth(y2, m2));
  return d2 >= anniversary ? months : months - 1;
}

/**
 * UTC offsets (minutes) of providers' countries, by the country suffix of the
 * provider id (`sss_ph`, `bpjs_tk_id`). A fixed table, not the runtime's time
 * zone data, so a decision does not depend on the Node version; none of these
 * countries keeps daylight saving time.
 */
const PROVIDER_UTC_OFFSETS: Record<string, number> = {
  ph: 480,
  sg: 480,
  my: 480,
  hk: 480,
  cn: 480,
  tw: 480,
  bn: 480,
  id: 420,
  th: 420,
  vn: 420,
  kh: 420,
  la: 420,
  mm: 390,
  in: 330,
  bd: 360,
  lk: 330,
  pk: 300,
  jp: 540,
  kr: 540,
};
/** A provider whose country is unknown is judged in Smile's home zone (Manila, UTC+8). */
const DEFAULT_UTC_OFFSET = 480;

/** The decision's date where the provider is: the calendar day of `evaluatedAt` at the provider's UTC offset. */
export function decisionDay(evaluatedAt: string, providerId: string): string {
  const suffix = /_([a-z]{2})$/.exec(providerId.toLowerCase())?.[1];
  const offset = (suffix ? PROVIDER_UTC_OFFSETS[suffix] : undefined) ?? DEFAULT_UTC_OFFSET;
  return new Date(Date.parse(evaluatedAt) + offset * 60_000).toISOString().slice(0, 10);
}

/** `2026-03` for a month index. */
export const monthLabel = (month: MonthIndex): string =>
  `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;

/** A calendar date `YYYY-MM-DD` (the first ten characters of an ISO date-time too), else undefined. */
export function isoDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const day = value.trim().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && monthOf(day) !== undefined ? day : undefined;
}

export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;

/** A finite number; strings, null and NaN are unreadable. */
export const amount = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** An ISO 4217 code Smile knows, else undefined. */
export const currency = (value: unknown): string | undefined =>
  typeof value === 'string' && CURRENCIES.has(value) ? value : undefined;

/** A RefPayPeriod value; null and a missing field read as Unspecified. */
export function payPeriod(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'Unspecified';
  return typeof value === 'string' && (PAY_PERIODS as readonly string[]).includes(value) ? value : undefined;
}

/** An item's id for messages; an item without one is named by its position. */
export const itemName = (item: Item, index: number, kind: string): string =>
  typeof item.id === 'string' && item.id.length <= 100 ? item.id : `${kind} #${index + 1}`;

export const round2 = (value: number): number => Math.round(value * 100) / 100;
