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
