import type { Outcome } from '../workflows/types.js';
import { emptyContributions, judgeContributions } from './contributions.js';
import { employmentFindings, employmentRules, jobsOf } from './employment.js';
import { dobRule, identityFinding, matchAccount, nameRule, type AccountMatch } from './identity.js';
import { judgeIncome } from './income.js';
import { monthOfDate } from './read.js';
import type { AccountData, Evaluation, EvaluationInput, Item, Reason, Rule } from './types.js';
import { HARD_RULES } from './version.js';

export type * from './types.js';

/**
 * The rules. A failed hard rule declines; a failed soft rule, or any
 * rule that cannot be judged, sends the verification to review.
 *
 * | code                       | hard | judged from                                            |
 * |----------------------------|------|--------------------------------------------------------|
 * | NAME_MISMATCH              | yes  | each account's identity name vs the applicant's        |
 * | NO_CURRENT_EMPLOYMENT      | yes  | matching accounts' employments without an end          |
 * | KYC_FAILED                 | yes  | the KYC job's result                                   |
 * | DOB_MISMATCH               | no   | matching accounts' identity dob vs the applicant's     |
 * | TENURE_TOO_SHORT           | no   | the current job's startDate                            |
 * | INSUFFICIENT_CONTRIBUTIONS | no   | matching accounts' contribution months in the window   |
 * | CONTRIBUTION_GAP           | no   | longest run of months without one in the window        |
 * | INCOME_BELOW_MINIMUM       | no   | monthly income (income.ts) vs `minMonthlyIncome`       |
 * | MISSING_DATAPOINT          | no   | required datapoints no account shared                  |
 *
 * Employment, contributions and income count only from accounts whose identity
 * matched. Data that only accounts without a match shared cannot be judged.
 */
export function evaluate(input: EvaluationInput): Evaluation {
  const now = monthOfDate(new Date(input.evaluatedAt));
  const { policy } = input;
  const matches = input.accounts.map((account) => matchAccount(account, input));
  const matched = matches.filter((m) => m.result === 'pass');
  const rules: Rule[] = [missingRule(input)];
  rules.push(nameRule(matches, policy.nameMatchThreshold));
  const dob = dobRule(matched, input.applicant.dateOfBirth);
  if (dob) rules.push(dob);

  const judged = (kind: 'employments' | 'contributions' | 'incomes' | 'eincomes') => itemsOf(matched, kind);
  const unmatchedOnly = (kinds: ('employments' | 'contributions' | 'incomes' | 'eincomes')[], codes: string[]) =>
    kinds.every((kind) => judged(kind).length === 0) && kinds.some((kind) => itemsOf(matches, kind).length > 0)
      ? codes.map((code) => unmatchedRule(code))
      : undefined;

  const jobs = jobsOf(judged('employments'));
  rules.push(
    ...(unmatchedOnly(['employments'], ['NO_CURRENT_EMPLOYMENT']) ??
      (jobs.length > 0 ? employmentRules(jobs, policy.minTenureMonths, now) : [])),
  );

  const contributionItems = judged('contributions').map(({ item }) => item);
  const contributions = contributionItems.length > 0 ? judgeContributions(contributionItems, policy, now) : undefined;
  rules.push(
    ...(unmatchedOnly(['contributions'], ['INSUFFICIENT_CONTRIBUTIONS', 'CONTRIBUTION_GAP']) ??
      contributions?.rules ??
      []),
  );

  const income = judgeIncome(
    judged('incomes').map(({ item }) => item),
    judged('eincomes').map(({ item }) => item),
    policy,
    now,
  );
  if (policy.minMonthlyIncome)
    rules.push(...(unmatchedOnly(['incomes', 'eincomes'], ['INCOME_BELOW_MINIMUM']) ?? [income.rule!]));

  if (input.kyc) rules.push(kycRule(input.kyc));

  const reasons: Reason[] = rules
    .filter((rule) => rule.result !== 'pass')
    .map(({ code, result, message }) => ({ code, result: result as Reason['result'], message }));
  return {
    outcome: outcomeOf(rules),
    rules,
    reasons,
    findings: {
      accounts: matches.map((m) => ({
        accountId: m.account.accountId,
        providerId: m.account.providerId,
        identityMatched: m.result === 'cannot_judge' ? null : m.result === 'pass',
      })),
      identity: identityFinding(matches, policy.nameMatchThreshold),
      employments: employmentFindings(jobs, now),
      income: income.finding,
      contributions: contributions?.finding ?? emptyContributions(policy),
    },
  };
}

export function outcomeOf(rules: Rule[]): Outcome {
  if (rules.some((r) => r.result === 'fail' && HARD_RULES.has(r.code))) return 'DECLINED';
  return rules.some((r) => r.result !== 'pass') ? 'REVIEW' : 'APPROVED';
}

function itemsOf(matches: AccountMatch[], kind: keyof Omit<AccountData, 'accountId' | 'providerId'>) {
  return matches.flatMap((m) => m.account[kind].map((item: Item) => ({ item, accountId: m.account.accountId })));
}

const unmatchedRule = (code: string): Rule => ({
  code,
  hard: HARD_RULES.has(code),
  result: 'cannot_judge',
  message: 'Only accounts whose identity did not match the applicant shared this data, so it cannot count.',
});

const DATAPOINT_KINDS = {
  identity: ['identities'],
  employments: ['employments'],
  contributions: ['contributions'],
  incomes: ['incomes', 'eincomes'],
} as const;

/** MISSING_DATAPOINT: a required datapoint that no account of the run shared. */
function missingRule(input: EvaluationInput): Rule {
  const missing = input.policy.requiredDatapoints.filter((datapoint) =>
    input.accounts.every((account) => DATAPOINT_KINDS[datapoint].every((kind) => account[kind].length === 0)),
  );
  const rule = { code: 'MISSING_DATAPOINT', hard: false };
  return missing.length === 0
    ? { ...rule, result: 'pass', message: 'Every required datapoint was shared.' }
    : { ...rule, result: 'fail', value: missing.join(', '), message: `No ${missing.join(', ')} data was shared.` };
}

function kycRule(kyc: NonNullable<EvaluationInput['kyc']>): Rule {
  const rule = { code: 'KYC_FAILED', hard: true };
  if (kyc.status === 'REJECTED')
    return {
      ...rule,
      result: 'fail',
      message: `The KYC job was rejected (result code ${kyc.resultCode ?? 'unknown'}).`,
    };
  if (kyc.status === 'APPROVED') return { ...rule, result: 'pass', message: 'The KYC job was approved.' };
  return { ...rule, result: 'cannot_judge', message: 'The KYC job gave no result in time.' };
}
