import type { Policy } from '../workflows/policy.js';
import { amount, currency, itemName, monthLabel, monthOf, round2, type MonthIndex } from './read.js';
import type { ContributionFinding, Item, Rule } from './types.js';

/**
 * Contributions: the window is the `window` full months before this one; a gap
 * is a run of months in it without a contribution. An unreadable date could
 * only add a month, so it turns a failing rule into cannot-judge, never a
 * passing one into a failure.
 */

export interface ContributionsJudged {
  rules: Rule[];
  finding: ContributionFinding;
}

export function judgeContributions(items: Item[], policy: Policy, now: MonthIndex): ContributionsJudged {
  const { required, window } = policy.contributionMonths;
  const byMonth = new Map<MonthIndex, { amount: number; currency: string | null }>();
  let unreadable: string | undefined;
  items.forEach((item, index) => {
    const month = monthOf(item.date ?? item.month ?? item.period);
    if (month === undefined) {
      unreadable ??= itemName(item, index, 'contribution');
      return;
    }
    const entry = byMonth.get(month) ?? { amount: 0, currency: currency(item.currency) ?? null };
    entry.amount = round2(entry.amount + (amount(item.amount) ?? 0));
    byMonth.set(month, entry);
  });

  const months: ContributionFinding['months'] = [];
  let count = 0;
  let gap = 0;
  let longestGap = 0;
  for (let month = now - window; month < now; month++) {
    const entry = byMonth.get(month);
    if (entry) {
      count++;
      gap = 0;
      months.push({ month: monthLabel(month), ...entry });
    } else longestGap = Math.max(longestGap, ++gap);
  }
  const finding = { window, months, monthsWithContribution: count, longestGapMonths: longestGap };
  const why = unreadable ? ` Contribution ${unreadable} has an unreadable date.` : '';
  const judged = (passes: boolean) => (passes ? 'pass' : unreadable ? 'cannot_judge' : 'fail');
  const rules: Rule[] = [
    {
      code: 'INSUFFICIENT_CONTRIBUTIONS',
      hard: false,
      result: judged(count >= required),
      value: count,
      threshold: required,
      message: `${count} of the last ${window} months have a contribution (required ${required}).${count >= required ? '' : why}`,
    },
    {
      code: 'CONTRIBUTION_GAP',
      hard: false,
      result: judged(longestGap <= policy.maxContributionGapMonths),
      value: longestGap,
      threshold: policy.maxContributionGapMonths,
      message: `Longest gap ${longestGap} months (allowed ${policy.maxContributionGapMonths}).${longestGap <= policy.maxContributionGapMonths ? '' : why}`,
    },
  ];
  return { rules, finding };
}

export const emptyContributions = (policy: Policy): ContributionFinding => ({
  window: policy.contributionMonths.window,
  months: [],
  monthsWithContribution: 0,
  longestGapMonths: 0,
});
