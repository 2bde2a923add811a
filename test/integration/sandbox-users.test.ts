import { describe, expect, it } from 'vitest';
import { personaData } from '../../sandbox/persona-data.js';
import { findPersona, SANDBOX_PERSONAS, SANDBOX_USERS } from '../../sandbox/users.js';

/**
 * The sandbox users' data supports the outcomes they are known for, under
 * the default policy (SPEC §6), whatever the date: checked on several clocks.
 */
const CLOCKS = ['2025-01-01T00:00:00Z', '2026-02-28T12:00:00Z', '2031-07-31T23:59:59Z', '2040-12-15T08:00:00Z'].map(
  (d) => new Date(d),
);
const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const nowIndex = (now: Date) => now.getUTCFullYear() * 12 + now.getUTCMonth();

function facts(key: keyof typeof SANDBOX_USERS, now: Date) {
  const data = personaData(SANDBOX_USERS[key], now);
  const current = data.employments.filter((e) => e.endDate === null);
  const tenureMonths = Math.max(-1, ...current.map((e) => nowIndex(now) - monthIndex(e.startDate as string)));
  const recent = data.contributions
    .map((c) => monthIndex(c.date as string))
    .filter((m) => m >= nowIndex(now) - 12)
    .sort((a, b) => a - b);
  const maxGap = Math.max(0, ...recent.slice(1).map((m, i) => m - recent[i]! - 1));
  return { data, current, tenureMonths, recentContributions: recent.length, maxGap };
}

describe.each(CLOCKS)('the sandbox users on %s', (now) => {
  it('George: current job ≥ 3 months, ≥ 6 contributions in 12 months, no gap > 2, all dates in the past', () => {
    const f = facts('george', now);
    expect(f.tenureMonths).toBeGreaterThanOrEqual(3);
    expect(f.recentContributions).toBeGreaterThanOrEqual(6);
    expect(f.maxGap).toBeLessThanOrEqual(2);
    const today = now.toISOString().slice(0, 10);
    expect(f.data.contributions.every((c) => (c.date as string) < today)).toBe(true);
    expect(f.data.identity.fullName).toBe('George Cimafranca Palomero, Jr');
  });

  it('Ryan: employed, enough contributions, but a gap of more than 2 months', () => {
    const f = facts('ryan', now);
    expect(f.tenureMonths).toBeGreaterThanOrEqual(3);
    expect(f.recentContributions).toBeGreaterThanOrEqual(6);
    expect(f.maxGap).toBeGreaterThan(2);
  });

  it('Christina: no current employment, nothing in the last 12 months', () => {
    const f = facts('christina', now);
    expect(f.current).toEqual([]);
    expect(f.data.employments.length).toBeGreaterThan(0);
    expect(f.recentContributions).toBe(0);
  });

  it('Anisha: identity only', () => {
    const { data } = facts('anisha', now);
    expect([data.employments, data.contributions, data.incomes, data.eincomes]).toEqual([[], [], [], []]);
    expect(data.identity.fullName).toBe(SANDBOX_USERS.anisha.fullName);
  });
});

describe.each([...CLOCKS, new Date('2026-03-10T00:00:00Z')])('Maria on %s', (now) => {
  it('semi-monthly pay: two items ending in each of the last 12 months, PHP 25,000 gross / 21,600 net a month', () => {
    const f = facts('maria', now);
    expect(f.tenureMonths).toBeGreaterThanOrEqual(3);
    expect(f.recentContributions).toBe(12);
    const current = nowIndex(now);
    for (let n = 1; n <= 12; n++) {
      const paid = f.data.incomes.filter((i) => monthIndex(i.endDate as string) === current - n);
      expect(paid.map((i) => i.frequency)).toEqual(['Semimonthly', 'Semimonthly']);
      expect(paid.reduce((s, i) => s + (i.grossAmount as number), 0)).toBe(25_000);
      expect(paid.reduce((s, i) => s + (i.netAmount as number), 0)).toBe(21_600);
    }
    expect(f.data.incomes.every((i) => (i.endDate as string) <= now.toISOString().slice(0, 10))).toBe(true);
    expect(f.data.identity.fullName).toBe(SANDBOX_USERS.maria.fullName);
  });
});

describe('logins', () => {
  it('finds each user by email (any case) or phone number, and nobody else', () => {
    for (const persona of SANDBOX_PERSONAS) {
      expect(findPersona(persona.username.toUpperCase())).toBe(persona);
      expect(findPersona(persona.phone.replace('+', '(+') + ' ')).toBe(persona);
    }
    expect(findPersona('someone@smileapi.io')).toBeUndefined();
  });
});
