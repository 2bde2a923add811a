import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeIncome } from '../../decide/income.js';
import { monthOfDate } from '../../decide/read.js';
import type { Item } from '../../decide/types.js';
import { resolvePolicy } from '../../workflows/policy.js';

/** The middle of a month: the current month (November 2026) is partial and never counts. */
const NOW = new Date('2026-11-17T09:00:00Z');
const now = monthOfDate(NOW);
const day = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const lastDay = (y: number, m: number) => utc(y, m + 1, 0);

/**
 * Pay period end dates of one schedule, from 15 months back to today (the
 * partial current month included), for each of Smile's RefPayPeriod values.
 */
function schedule(frequency: string, offset: number, variable: number[]): Date[] {
  const start = utc(2025, 7, 1);
  const ends: Date[] = [];
  const push = (d: Date) => d <= NOW && d >= start && ends.push(d);
  for (let m = 7; m <= 22; m++) {
    const [y, mm] = [2025 + Math.floor(m / 12), m % 12];
    if (frequency === 'Semimonthly') [utc(y, mm, 15), lastDay(y, mm)].forEach(push);
    if (frequency === 'Monthly') push(lastDay(y, mm));
    if (frequency === 'Bimonthly' && (m + offset) % 2 === 0) push(lastDay(y, mm));
    if (frequency === 'Quarterly' && (m + offset) % 3 === 0) push(lastDay(y, mm));
    if (frequency === 'Annually' && (m + offset) % 12 === 0) push(lastDay(y, mm));
  }
  if (frequency === 'Weekly')
    for (
      let d = utc(2025, 7, 1 + (offset % 7));
      d <= NOW;
      d = utc(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 7)
    )
      push(d);
  if (frequency === 'Variable') variable.forEach((n) => push(utc(2025, 7, 1 + n)));
  return ends;
}
const FREQUENCIES = ['Weekly', 'Semimonthly', 'Monthly', 'Bimonthly', 'Quarterly', 'Annually', 'Variable'] as const;

const paid = (end: Date, gross: number, net: number, frequency: string): Item => ({
  id: `inc-${day(end)}-${gross}`,
  startDate: day(utc(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate() - 6)),
  endDate: day(end),
  currency: 'PHP',
  frequency,
  grossAmount: gross,
  netAmount: net,
});
const income = (items: Item[], incomeMonths = 3, eincomes: Item[] = []) =>
  judgeIncome(items, eincomes, resolvePolicy({ incomeMonths, minMonthlyIncome: { PHP: 20_000 } }), now);

describe('monthly income by pay-period end (SPEC §6 "Income")', () => {
  it('semi-monthly pay (Maria): two items a month make 25,000 gross / 21,600 net', () => {
    const items = schedule('Semimonthly', 0, []).map((end) => paid(end, 12_500, 10_800, 'Semimonthly'));
    const { finding, rule } = income(items);
    expect(finding.months).toEqual([
      { month: '2026-08', gross: 25_000, net: 21_600 },
      { month: '2026-09', gross: 25_000, net: 21_600 },
      { month: '2026-10', gross: 25_000, net: 21_600 },
    ]);
    expect(finding).toMatchObject({ averageMonthlyGross: 25_000, averageMonthlyNet: 21_600, frequency: 'Semimonthly' });
    expect(rule).toMatchObject({ result: 'pass', value: 25_000, threshold: 20_000 });
  });

  it('weekly pay counts four or five pay days a month, as they fall', () => {
    const items = schedule('Weekly', 0, []).map((end) => paid(end, 5_000, 4_000, 'Weekly'));
    // 2025-08-01 is a Friday: Fridays in August, September and October 2026 are 4, 4 and 5.
    expect(income(items).finding.months.map((m) => m.gross)).toEqual([20_000, 20_000, 25_000]);
  });

  it('a partial current month never counts, and a month without pay counts as zero', () => {
    const items = [paid(utc(2026, 10, 15), 99_999, 1, 'Monthly'), paid(lastDay(2026, 8), 30_000, 27_000, 'Monthly')];
    const { finding, rule } = income(items);
    expect(finding.months.map((m) => m.gross)).toEqual([0, 30_000, 0]);
    expect(finding.averageMonthlyGross).toBe(10_000);
    expect(rule?.result).toBe('fail');
  });

  it('paid incomes come before estimated eincomes; eincomes are used when there are none', () => {
    const eincomes = ['2026-08', '2026-09', '2026-10'].map((month) => ({
      id: `einc-${month}`,
      month,
      currency: 'PHP',
      amount: 50_000,
    }));
    const items = [paid(lastDay(2026, 9), 10_000, 9_000, 'Monthly')];
    expect(income(items, 3, eincomes).finding).toMatchObject({ source: 'incomes', averageMonthlyGross: 3_333.33 });
    expect(income([], 3, eincomes).finding).toMatchObject({
      source: 'eincomes',
      averageMonthlyGross: 50_000,
      averageMonthlyNet: null,
    });
  });

  it('judges each currency against its own minimum', () => {
    const sgd = { ...paid(lastDay(2026, 9), 9_000, 8_000, 'Monthly'), currency: 'SGD' };
    const judged = judgeIncome(
      [sgd],
      [],
      resolvePolicy({ incomeMonths: 1, minMonthlyIncome: { SGD: 5_000, PHP: 1 } }),
      now,
    );
    expect(judged.rule).toMatchObject({ result: 'pass', value: 9_000, threshold: 5_000 });
    expect(judged.finding.currency).toBe('SGD');
  });
});

describe('monthly income: properties for every RefPayPeriod value', () => {
  it.each(FREQUENCIES)(
    '%s: each month is the sum of the items ending in it; the estimate is their mean',
    (frequency) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 11 }),
          fc.array(fc.integer({ min: 0, max: 470 }), { maxLength: 40 }),
          fc.integer({ min: 1, max: 12 }),
          fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 80, maxLength: 80 }),
          (offset, variable, incomeMonths, amounts) => {
            const items = schedule(frequency, offset, variable).map((end, i) =>
              paid(end, amounts[i % amounts.length]! / 4, amounts[(i + 1) % amounts.length]! / 8, frequency),
            );
            const { finding } = income(items, incomeMonths);
            // The reference: group by the end date's YYYY-MM, the last incomeMonths full months before November 2026.
            const window = Array.from({ length: incomeMonths }, (_, k) =>
              day(utc(2026, 10 - incomeMonths + k, 1)).slice(0, 7),
            );
            const sum = (month: string, key: 'grossAmount' | 'netAmount') =>
              items
                .filter((it) => (it.endDate as string).startsWith(month))
                .reduce((s, it) => s + (it[key] as number), 0);
            const round = (x: number) => Math.round(x * 100) / 100;
            if (items.length === 0) {
              expect(finding.source).toBeNull();
              return;
            }
            expect(finding.months.map((m) => m.month)).toEqual(window);
            expect(finding.months.map((m) => m.gross)).toEqual(window.map((m) => round(sum(m, 'grossAmount'))));
            expect(finding.months.map((m) => m.net)).toEqual(window.map((m) => round(sum(m, 'netAmount'))));
            const mean = finding.months.reduce((s, m) => s + m.gross, 0) / incomeMonths;
            expect(Math.abs(finding.averageMonthlyGross! - mean)).toBeLessThan(0.01);
            // Pay in the partial current month changes nothing.
            const extra = paid(utc(2026, 10, 16), 1_000_000, 1, frequency);
            expect(income([...items, extra], incomeMonths).finding.months).toEqual(finding.months);
          },
        ),
        { numRuns: 100 },
      );
    },
  );
});
