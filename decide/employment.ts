import { itemName, isoDay, monthOf, text, type MonthIndex } from './read.js';
import type { EmploymentFinding, Item, Rule } from './types.js';

/**
 * Employment: a job is current when it has no end date or ends this month or
 * later; tenure is counted in whole months from the current job's start.
 */

export interface Job {
  item: Item;
  name: string;
  accountId: string;
}

interface ReadJob extends Job {
  start: MonthIndex | undefined;
  /** null: no end date (open); undefined: an end date that does not parse. */
  end: MonthIndex | null | undefined;
}

function read(job: Job): ReadJob {
  const endDate = job.item.endDate;
  const end = endDate === null || endDate === undefined ? null : monthOf(endDate);
  return { ...job, start: monthOf(job.item.startDate), end };
}

const isCurrent = (job: ReadJob, now: MonthIndex) =>
  job.end === undefined ? undefined : job.end === null || job.end >= now;

/** NO_CURRENT_EMPLOYMENT and TENURE_TOO_SHORT, from the matching accounts' employments. */
export function employmentRules(jobs: Job[], minTenureMonths: number, now: MonthIndex): Rule[] {
  const read_ = jobs.map(read);
  const current = read_.filter((job) => isCurrent(job, now) === true);
  const unreadable = read_.find((job) => job.end === undefined);
  const rule = { code: 'NO_CURRENT_EMPLOYMENT', hard: true };
  if (current.length === 0) {
    if (unreadable)
      return [{ ...rule, result: 'cannot_judge', message: `Employment ${unreadable.name} has an unreadable endDate.` }];
    return [{ ...rule, result: 'fail', message: 'Every employment on record has ended.' }];
  }
  const rules: Rule[] = [{ ...rule, result: 'pass', message: 'A current employment is on record.' }];
  const starts = current.map((job) => job.start).filter((m): m is MonthIndex => m !== undefined);
  const tenure = { code: 'TENURE_TOO_SHORT', hard: false, threshold: minTenureMonths };
  if (starts.length === 0) {
    const name = current[0]!.name;
    rules.push({
      ...tenure,
      result: 'cannot_judge',
      message: `The current employment ${name} has no readable startDate.`,
    });
    return rules;
  }
  const months = now - Math.min(...starts);
  rules.push({
    ...tenure,
    result: months >= minTenureMonths ? 'pass' : 'fail',
    value: months,
    message: `Tenure ${months} months in the current employment (minimum ${minTenureMonths}).`,
  });
  return rules;
}

export function employmentFindings(jobs: Job[], now: MonthIndex): EmploymentFinding[] {
  return jobs.map(read).map((job) => {
    const current = isCurrent(job, now) ?? null;
    const until = job.end === null ? now : job.end;
    return {
      employer: text(job.item.employer) ?? null,
      jobTitle: text(job.item.jobTitle) ?? null,
      startDate: isoDay(job.item.startDate) ?? null,
      endDate: isoDay(job.item.endDate) ?? null,
      current,
      tenureMonths: job.start !== undefined && until !== undefined ? Math.max(0, until - job.start) : null,
      accountId: job.accountId,
    };
  });
}

export const jobsOf = (items: { item: Item; accountId: string }[]): Job[] =>
  items.map(({ item, accountId }, index) => ({ item, accountId, name: itemName(item, index, 'employment') }));
