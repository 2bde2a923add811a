import type { Policy } from '../../workflows/policy.js';
import type { Applicant, KycResult, Outcome } from '../../workflows/types.js';
import { nameSimilarity } from './names.js';

export interface EvaluationData {
  identity?: Record<string, unknown>;
  employments: Record<string, unknown>[];
  contributions: Record<string, unknown>[];
  incomes: Record<string, unknown>[];
  eincomes: Record<string, unknown>[];
}
/** The KYC job's result, when the policy ran one. */
export type KycInput = Pick<KycResult, 'status' | 'resultCode'>;
export interface Reason {
  code: string;
  message: string;
  result: 'pass' | 'fail' | 'cannot_judge';
}
export interface Evaluation {
  outcome: Outcome;
  reasons: Reason[];
}

/**
 * Rules and their weight. A failed hard rule declines; a failed soft rule, or
 * any rule that cannot be judged, sends the verification to review.
 *
 * | code                       | hard | judged from                        |
 * |----------------------------|------|------------------------------------|
 * | NAME_MISMATCH              | yes  | identity.fullName vs applicant     |
 * | NO_CURRENT_EMPLOYMENT      | yes  | employments without an end date    |
 * | KYC_FAILED                 | yes  | the KYC job's result               |
 * | DOB_MISMATCH               | no   | identity.dob vs applicant          |
 * | TENURE_TOO_SHORT           | no   | the current job's startDate        |
 * | INSUFFICIENT_CONTRIBUTIONS | no   | contribution months in the window  |
 * | CONTRIBUTION_GAP           | no   | longest run of missing months      |
 * | INCOME_BELOW_MINIMUM       | no   | eincomes, else contributions       |
 * | MISSING_DATAPOINT          | no   | required datapoints with no data   |
 * | DATA_UNREADABLE            | no   | data we cannot read (dates, …)     |
 */
const HARD = new Set(['NAME_MISMATCH', 'NO_CURRENT_EMPLOYMENT', 'KYC_FAILED']);

const monthIndex = (date: Date) => date.getUTCFullYear() * 12 + date.getUTCMonth();
function parseMonth(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}/.test(value)) return undefined;
  const [year, month] = value.split('-').map(Number) as [number, number];
  return month >= 1 && month <= 12 ? year * 12 + month - 1 : undefined;
}
const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** Pure and total: the same data, applicant, policy and clock always give the same answer, and nothing throws. */
export function evaluate(
  data: EvaluationData,
  applicant: Applicant,
  policy: Policy,
  now: Date,
  kyc?: KycInput,
): Evaluation {
  const reasons: Reason[] = [];
  const add = (code: string, result: Reason['result'], message: string) => reasons.push({ code, result, message });
  const current = monthIndex(now);
  const present = {
    identity: data.identity ? 1 : 0,
    employments: data.employments.length,
    contributions: data.contributions.length,
    incomes: data.incomes.length + data.eincomes.length,
  };
  for (const datapoint of policy.requiredDatapoints) {
    if (present[datapoint] === 0) add('MISSING_DATAPOINT', 'fail', `No ${datapoint} data was shared.`);
  }

  const identityName = str(data.identity?.fullName);
  if (applicant.fullName && identityName) {
    const score = nameSimilarity(applicant.fullName, identityName);
    add(
      'NAME_MISMATCH',
      score >= policy.nameMatchThreshold ? 'pass' : 'fail',
      `Name similarity ${score.toFixed(2)} (threshold ${policy.nameMatchThreshold}).`,
    );
  }
  const dob = str(data.identity?.dob);
  if (applicant.dateOfBirth && dob)
    add(
      'DOB_MISMATCH',
      dob.slice(0, 10) === applicant.dateOfBirth ? 'pass' : 'fail',
      'Date of birth compared with the identity.',
    );

  if (data.employments.length > 0) {
    const currentJobs = data.employments.filter(
      (e) => e.endDate === null || e.endDate === undefined || (parseMonth(e.endDate) ?? -1) >= current,
    );
    if (currentJobs.length === 0) add('NO_CURRENT_EMPLOYMENT', 'fail', 'Every employment on record has ended.');
    else {
      add('NO_CURRENT_EMPLOYMENT', 'pass', 'A current employment is on record.');
      const starts = currentJobs.map((e) => parseMonth(e.startDate)).filter((m): m is number => m !== undefined);
      if (starts.length === 0)
        add('DATA_UNREADABLE', 'cannot_judge', 'The current employment has no readable start date.');
      else {
        const tenure = current - Math.min(...starts);
        add(
          'TENURE_TOO_SHORT',
          tenure >= policy.minTenureMonths ? 'pass' : 'fail',
          `Tenure ${tenure} months (minimum ${policy.minTenureMonths}).`,
        );
      }
    }
  }

  if (data.contributions.length > 0) judgeContributions(data.contributions, policy, current, add);
  if (policy.minMonthlyIncome) judgeIncome(data, policy.minMonthlyIncome, current, add);
  if (kyc) {
    if (kyc.status === 'REJECTED')
      add('KYC_FAILED', 'fail', `The KYC job was rejected (result code ${kyc.resultCode ?? 'unknown'}).`);
    else if (kyc.status === 'APPROVED') add('KYC_FAILED', 'pass', 'The KYC job was approved.');
    else add('KYC_FAILED', 'cannot_judge', 'The KYC job gave no result in time.');
  }

  const failed = reasons.filter((r) => r.result !== 'pass');
  const outcome = failed.some((r) => r.result === 'fail' && HARD.has(r.code))
    ? 'DECLINED'
    : failed.length > 0
      ? 'REVIEW'
      : 'APPROVED';
  return { outcome, reasons };
}

type Add = (code: string, result: Reason['result'], message: string) => void;

/** The window is the `window` full months before this one; a gap is a run of months without a contribution. */
function judgeContributions(contributions: Record<string, unknown>[], policy: Policy, current: number, add: Add): void {
  const { required, window } = policy.contributionMonths;
  const months = new Set(
    contributions.map((c) => parseMonth(c.date ?? c.month ?? c.period)).filter((m): m is number => m !== undefined),
  );
  if (months.size === 0) return add('DATA_UNREADABLE', 'cannot_judge', 'No contribution has a readable date.');
  let count = 0;
  let gap = 0;
  let longestGap = 0;
  for (let month = current - window; month < current; month++) {
    if (months.has(month)) {
      count++;
      gap = 0;
    } else longestGap = Math.max(longestGap, ++gap);
  }
  add(
    'INSUFFICIENT_CONTRIBUTIONS',
    count >= required ? 'pass' : 'fail',
    `${count} of the last ${window} months have a contribution (required ${required}).`,
  );
  add(
    'CONTRIBUTION_GAP',
    longestGap <= policy.maxContributionGapMonths ? 'pass' : 'fail',
    `Longest gap ${longestGap} months (allowed ${policy.maxContributionGapMonths}).`,
  );
}

/** Estimated monthly income: the mean of the last three months of eincomes, else of incomes, per currency. */
function judgeIncome(data: EvaluationData, minimum: Record<string, number>, current: number, add: Add): void {
  const source = data.eincomes.length > 0 ? data.eincomes : data.incomes;
  const recent = source
    .map((item) => ({
      month: parseMonth(item.month ?? item.startDate),
      currency: str(item.currency),
      amount: Number(item.amount ?? item.grossAmount),
    }))
    .filter((i) => i.month !== undefined && i.month >= current - 3 && i.currency && Number.isFinite(i.amount));
  const currency = recent[0]?.currency;
  if (!currency)
    return add('INCOME_BELOW_MINIMUM', 'cannot_judge', 'No recent income with a readable amount and currency.');
  if (minimum[currency] === undefined)
    return add('INCOME_BELOW_MINIMUM', 'cannot_judge', `No minimum income is set for ${currency}.`);
  const sameCurrency = recent.filter((i) => i.currency === currency);
  const mean = sameCurrency.reduce((sum, i) => sum + i.amount, 0) / sameCurrency.length;
  add(
    'INCOME_BELOW_MINIMUM',
    mean >= minimum[currency] ? 'pass' : 'fail',
    `Estimated monthly income ${Math.round(mean)} ${currency} (minimum ${minimum[currency]}).`,
  );
}
