import type { SandboxPersona } from './users.js';

/** Building blocks of the personas' data, with dates relative to `now` (UTC). */

export const iso = (d: Date) => d.toISOString().slice(0, 10);
/** The first day of the month `n` months before `now` (UTC). */
export const monthStart = (now: Date, n: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));
/** The last day of the month `n` months before `now` (UTC). */
export const monthEnd = (now: Date, n: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n + 1, 0));
export const month = (now: Date, n: number) => iso(monthStart(now, n)).slice(0, 7);

export function identity(p: SandboxPersona, fields: Record<string, unknown>, address: Record<string, unknown>) {
  return {
    suffix: null,
    middleName: null,
    maritalStatus: 'Single',
    citizenship: 'Citizen',
    photoUrl: null,
    referenceId: null,
    profileUrl: null,
    emails: [{ address: p.username, type: 'Primary' }],
    phones: [{ number: p.phone, type: 'Mobile' }],
    socialProfiles: [],
    addresses: [{ type: 'Primary', ...address }],
    ...fields,
  };
}

/**
 * A permanent job held from the start of the month `from` months before now to the end of the month
 * `to` months before now (no `to`: held now). The provider reported it the month after it ended, or
 * this month while it is held.
 */
export function employment(
  now: Date,
  { from, to, ...fields }: { from: number; to?: number } & Record<string, unknown>,
) {
  return {
    name: null,
    description: null,
    department: null,
    status: 'Permanent',
    ...fields,
    startDate: iso(monthStart(now, from)),
    endDate: to === undefined ? null : iso(monthEnd(now, to)),
    reportedDate: iso(monthStart(now, to === undefined ? 0 : to - 1)),
  };
}

/** One contribution per listed month (months before now), dated the month's last day. */
export function contributions(now: Date, monthsAgo: number[], currency: string, amount: number, prefix: string) {
  return monthsAgo.map((n) => ({
    date: iso(monthEnd(now, n)),
    currency,
    amount,
    referenceId: `${prefix}${String(900_000 + n * 37).padStart(7, '0')}`,
  }));
}

export function eincomes(now: Date, monthsAgo: number[], currency: string, amount: number) {
  return monthsAgo.map((n) => ({ month: month(now, n), currency, baseAmount: amount, amount }));
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
