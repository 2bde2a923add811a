import type { JudgedItem } from './distinct.js';
import { dayOf, decisionDay, isoDay, itemName, text, wholeMonths } from './read.js';
import type { EmploymentFinding, Rule } from './types.js';

/**
 * Employment, judged by the day at the provider (its dates are local dates):
 * a job is current when it has begun by the decision's date and has no end
 * date or ends on or after that date; tenure is the whole months from the
 * current job's start to the decision's date (2026-09-30 to 2026-12-03 is 2).
 */

export interface Job extends JudgedItem {
  name: string;
}

interface ReadJob extends Job {
  today: string;
  start: string | undefined;
  /** null: no end date (open); undefined: an end date that is not a readable day. */
  end: string | null | undefined;
}

function read(job: Job, evaluatedAt: string): ReadJob {
  const endDate = job.item.endDate;
  const end = endDate === null || endDate === undefined ? null : dayOf(endDate);
  return { ...job, today: decisionDay(evaluatedAt, job.providerId), start: dayOf(job.item.startDate), end };
}

/** true, false, or undefined when the end date cannot be read. A job starting after today is not current yet. */
function isCurrent(job: ReadJob): boolean | undefined {
  if (job.start !== undefined && job.start > job.today) return false;
  return job.end === undefined ? undefined : job.end === null || job.end >= job.today;
}

/** NO_CURRENT_EMPLOYMENT and TENURE_TOO_SHORT, from the matching accounts' employments. */
export function employmentRules(jobs: Job[], minTenureMonths: number, evaluatedAt: string): Rule[] {
  const read_ = jobs.map((job) => read(job, evaluatedAt));
  const current = read_.filter((job) => isCurrent(job) === true);
  const unreadable = read_.find((job) => isCurrent(job) === undefined);
  const rule = { code: 'NO_CURRENT_EMPLOYMENT', hard: true };
  if (current.length === 0) {
    if (unreadable)
      return [
        { ...rule, result: 'cannot_judge', message: `Employment ${unreadable.name} has an unreadable endDate.` },
        tenureCannot(`Employment ${unreadable.name} has an unreadable endDate.`, minTenureMonths),
      ];
    return [
      { ...rule, result: 'fail', message: 'Every employment on record has ended.' },
      tenureCannot('There is no current employment to count tenure in.', minTenureMonths),
    ];
  }
  const rules: Rule[] = [{ ...rule, result: 'pass', message: 'A current employment is on record.' }];
  // The longest current tenure counts; an unreadable start could only lengthen it, so it never fails the rule.
  const tenures = current.map((job) => wholeMonths(job.start ?? '', job.today));
  const readable = tenures.filter((months): months is number => months !== undefined);
  const months = readable.length > 0 ? Math.max(...readable) : undefined;
  const passes = months !== undefined && months >= minTenureMonths;
  if (!passes && readable.length < tenures.length) {
    const name = current[tenures.findIndex((m) => m === undefined)]!.name;
    rules.push(tenureCannot(`The current employment ${name} has no readable startDate.`, minTenureMonths));
    return rules;
  }
  rules.push({
    ...tenureBase(minTenureMonths),
    result: passes ? 'pass' : 'fail',
    value: months!,
    message: `Tenure ${months} months in the current employment (minimum ${minTenureMonths}).`,
  });
  return rules;
}

const tenureBase = (minTenureMonths: number) => ({ code: 'TENURE_TOO_SHORT', hard: false, threshold: minTenureMonths });
const tenureCannot = (message: string, minTenureMonths: number): Rule => ({
  ...tenureBase(minTenureMonths),
  result: 'cannot_judge',
  message,
});

export function employmentFindings(jobs: Job[], evaluatedAt: string): EmploymentFinding[] {
  return jobs
    .map((job) => read(job, evaluatedAt))
    .map((job) => {
      const current = isCurrent(job) ?? null;
      const until = job.end === null || (job.end !== undefined && job.end > job.today) ? job.today : job.end;
      const months = job.start !== undefined && until !== undefined ? wholeMonths(job.start, until) : undefined;
      return {
        employer: text(job.item.employer) ?? null,
        jobTitle: text(job.item.jobTitle) ?? null,
        startDate: isoDay(job.item.startDate) ?? null,
        endDate: isoDay(job.item.endDate) ?? null,
        current,
        tenureMonths: months === undefined ? null : Math.max(0, months),
        accountId: job.accountId,
      };
    });
}

export const jobsOf = (items: JudgedItem[]): Job[] =>
  items.map((judged, index) => ({ ...judged, name: itemName(judged.item, index, 'employment') }));
