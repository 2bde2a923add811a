import type { Policy } from '../workflows/policy.js';
import { amount, currency, itemName, monthLabel, monthOf, payPeriod, round2, type MonthIndex } from './read.js';
import type { IncomeFinding, Item, Rule } from './types.js';

/**
 * Monthly income: for each of the last `incomeMonths` full months (not
 * the current one), the sum of the gross and net amounts of the `incomes` items
 * whose pay period ends in that month, per currency. The pay frequency only says
 * how many items fall in a month, so it never scales an amount. Months without
 * pay count as zero; the estimate is the mean over the months. Paid `incomes`
 * are used when there are any, else Smile's estimated `eincomes` (already monthly).
 */

export const DEFAULT_INCOME_MONTHS = 3;

interface Entry {
  month: MonthIndex;
  currency: string;
  gross: number;
  net: number | undefined;
  frequency: string | null;
}

interface Read {
  entries: Entry[];
  /** What could not be read in an item that falls (or may fall) in the window. */
  problems: string[];
}

function readItems(source: 'incomes' | 'eincomes', items: Item[], first: MonthIndex, now: MonthIndex): Read {
  const read: Read = { entries: [], problems: [] };
  items.forEach((item, index) => {
    const name = `${source === 'incomes' ? 'Income' : 'Estimated income'} ${itemName(item, index, source)}`;
    const dated = source === 'incomes' ? (item.endDate ?? item.startDate) : item.month;
    const month = monthOf(dated);
    if (month === undefined) return void read.problems.push(`${name} has no readable pay period end.`);
    const inWindow = month >= first && month < now;
    const code = currency(item.currency);
    const gross = source === 'incomes' ? amount(item.grossAmount) : amount(item.amount ?? item.baseAmount);
    const frequency = source === 'incomes' ? payPeriod(item.frequency) : 'Monthly';
    const problem =
      code === undefined
        ? `${name} has an unknown currency.`
        : gross === undefined
          ? `${name} has no readable ${source === 'incomes' ? 'grossAmount' : 'amount'}.`
          : frequency === undefined
            ? `${name} has an unknown pay period.`
            : undefined;
    if (problem) return void (inWindow && read.problems.push(problem));
    const net = source === 'incomes' ? amount(item.netAmount) : undefined;
    read.entries.push({
      month,
      currency: code!,
      gross: gross!,
      net,
      frequency: frequency === 'Unspecified' ? null : frequency!,
    });
  });
  return read;
}

/** The window's months for one currency, zero where nothing was paid; net is null where an amount was unreadable. */
function monthsOf(entries: Entry[], currencyCode: string, first: MonthIndex, now: MonthIndex, withNet: boolean) {
  const months: IncomeFinding['months'] = [];
  for (let month = first; month < now; month++) {
    const paid = entries.filter((e) => e.month === month && e.currency === currencyCode);
    const gross = round2(paid.reduce((sum, e) => sum + e.gross, 0));
    const nets = paid.map((e) => e.net);
    const net = withNet && nets.every((n) => n !== undefined) ? round2(nets.reduce((s, n) => s! + n!, 0)!) : null;
    months.push({ month: monthLabel(month), gross, net });
  }
  return months;
}

function mostCommon(values: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

export interface IncomeJudged {
  rule?: Rule;
  finding: IncomeFinding;
}

/** `paidSource`: what the paid items are (the accounts' `incomes`, or payslips standing in for them). */
export function judgeIncome(
  incomes: Item[],
  eincomes: Item[],
  policy: Policy,
  now: MonthIndex,
  paidSource: 'incomes' | 'payslips' = 'incomes',
): IncomeJudged {
  const read = incomes.length > 0 ? 'incomes' : eincomes.length > 0 ? 'eincomes' : null;
  const source = read === 'incomes' ? paidSource : read;
  const span = policy.incomeMonths ?? DEFAULT_INCOME_MONTHS;
  const first = now - span;
  const { entries, problems } = read
    ? readItems(read, read === 'incomes' ? incomes : eincomes, first, now)
    : { entries: [], problems: [] };
  const inWindow = entries.filter((e) => e.month >= first && e.month < now);
  const currencies = [...new Set(entries.map((e) => e.currency))].sort();
  const totals = new Map(
    currencies.map((c) => [c, inWindow.filter((e) => e.currency === c).reduce((s, e) => s + e.gross, 0)]),
  );
  const estimate = (c: string) => round2(totals.get(c)! / span);

  const minimum = policy.minMonthlyIncome;
  const candidates = currencies.filter((c) => minimum?.[c] !== undefined);
  const passing = candidates.find((c) => estimate(c) >= minimum![c]!);
  const judgedCurrency = passing ?? candidates[0];
  const shown = judgedCurrency ?? [...currencies].sort((a, b) => totals.get(b)! - totals.get(a)!)[0] ?? null;

  const months = shown ? monthsOf(entries, shown, first, now, read === 'incomes') : [];
  const nets = months.map((m) => m.net);
  const finding: IncomeFinding = {
    source,
    currency: shown,
    months,
    averageMonthlyGross: shown ? estimate(shown) : null,
    averageMonthlyNet:
      shown && nets.every((n) => n !== null) ? round2(nets.reduce((s, n) => s! + n!, 0)! / span) : null,
    frequency:
      read === 'incomes' ? mostCommon(inWindow.filter((e) => e.currency === shown).map((e) => e.frequency)) : null,
  };
  if (!minimum) return { finding };

  const rule = { code: 'INCOME_BELOW_MINIMUM', hard: false };
  const cannot = (message: string): IncomeJudged => ({ finding, rule: { ...rule, result: 'cannot_judge', message } });
  if (!source) return cannot('No income data was shared.');
  if (problems.length > 0)
    return cannot(problems[0]! + (problems.length > 1 ? ` (and ${problems.length - 1} more unreadable items)` : ''));
  if (!judgedCurrency)
    return cannot(
      currencies.length > 0
        ? `No minimum income is set for ${currencies.join(', ')}.`
        : 'No income item has a readable currency.',
    );
  const value = estimate(judgedCurrency);
  const threshold = minimum[judgedCurrency]!;
  return {
    finding,
    rule: {
      ...rule,
      result: passing ? 'pass' : 'fail',
      value,
      threshold,
      message: `Estimated monthly gross income ${value} ${judgedCurrency} over the last ${span} full months, from ${source} (minimum ${threshold}).`,
    },
  };
}
