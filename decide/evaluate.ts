import { RESOURCES_OF } from '../smile/kinds.js';
import type { Outcome } from '../workflows/types.js';
import { emptyContributions, judgeContributions } from './contributions.js';
import { employmentFindings, employmentRules, jobsOf } from './employment.js';
import { distinctItems, type ItemKind } from './distinct.js';
import { dobRule, identityFinding, matchAccount, nameRule } from './identity.js';
import { judgeDocuments } from './documents.js';
import { judgeIncome } from './income.js';
import { decisionDay, monthOf, text } from './read.js';
import type { Evaluation, EvaluationInput, Reason, Rule } from './types.js';
import { HARD_RULES } from './version.js';

export type * from './types.js';

/**
 * The rules. A failed hard rule declines; a failed soft rule, or any
 * rule that cannot be judged, sends the verification to review. A rule on data
 * the policy did not ask for is `not_applied` (reported, never a pass); a rule
 * the policy asked for without its data cannot be judged.
 *
 * | code                       | hard | judged from                                            |
 * |----------------------------|------|--------------------------------------------------------|
 * | NAME_MISMATCH              | yes  | each account's identity name vs the applicant's        |
 * | NO_CURRENT_EMPLOYMENT      | yes  | matching accounts' employments not ended by today      |
 * | KYC_FAILED                 | yes  | the KYC job's result                                   |
 * | DOB_MISMATCH               | no   | matching accounts' identity dob vs the applicant's     |
 * | TENURE_TOO_SHORT           | no   | whole months from the current job's startDate to today |
 * | INSUFFICIENT_CONTRIBUTIONS | no   | matching accounts' contribution months in the window   |
 * | CONTRIBUTION_GAP           | no   | longest run of months without one in the window        |
 * | INCOME_BELOW_MINIMUM       | no   | monthly income (income.ts) vs `minMonthlyIncome`       |
 * | MISSING_DATAPOINT          | no   | required datapoints no account shared                  |
 * | DOCUMENT_INVALID           | no   | an uploaded file Smile says is no payslip              |
 * | DOCUMENT_INCONSISTENT      | no   | a payslip vs the applicant, employments, accounts' pay |
 * | DATA_UNREADABLE            | no   | a payslip whose amounts, dates or currency are bad     |
 *
 * Employment, contributions and income count only from accounts whose identity
 * matched, each item once (distinct.ts). Data that only accounts without a match
 * shared cannot be judged. "Today" is the decision's date where the provider is.
 */
export function evaluate(input: EvaluationInput): Evaluation {
  const { policy } = input;
  const required = new Set(policy.requiredDatapoints);
  const matches = input.accounts.map((account) => matchAccount(account, input));
  const matched = matches.filter((m) => m.result === 'pass');
  const accounts = matched.map((m) => m.account);
  // Month windows end with the decision's month where the (first) provider is.
  const windowProvider = [...input.accounts].map((a) => a.providerId).sort()[0] ?? '';
  const now = monthOf(decisionDay(input.evaluatedAt, windowProvider))!;
  const judged = (kind: ItemKind) => distinctItems(accounts, kind);
  const jobs = jobsOf(judged('employments'));
  // Uploaded payslips, judged against the matched accounts' pay and employments (documents.ts).
  const documents = input.documents?.length
    ? judgeDocuments(input.documents, {
        applicantName: input.applicant.fullName,
        policy,
        accountIncomes: judged('incomes').map(({ item }) => item),
        employers: jobs.map((job) => text(job.item.employer)).filter((e): e is string => e !== undefined),
      })
    : undefined;
  // With acceptPayslipsAsIncome, valid consistent payslips are the income when no account shared any.
  const payslipIncomes =
    policy.acceptPayslipsAsIncome && judged('incomes').length === 0 && judged('eincomes').length === 0
      ? (documents?.consistentIncomes ?? [])
      : [];
  const rules: Rule[] = [missingRule(input, payslipIncomes.length > 0)];
  rules.push(nameRule(matches, policy.nameMatchThreshold));
  rules.push(
    dobRule(matched, input.applicant.dateOfBirth) ?? notApplied('DOB_MISMATCH', 'The applicant gave no date of birth.'),
  );

  const shared = (kinds: ItemKind[]) => kinds.some((kind) => input.accounts.some((a) => a[kind].length > 0));
  /** A rule's verdict when its data is missing: only unmatched accounts shared it, or nobody did. */
  const without = (kinds: ItemKind[], codes: string[]) =>
    kinds.every((kind) => judged(kind).length === 0)
      ? codes.map((code) => (shared(kinds) ? unmatchedRule(code) : noDataRule(code)))
      : undefined;

  const employmentCodes = ['NO_CURRENT_EMPLOYMENT', 'TENURE_TOO_SHORT'];
  rules.push(
    ...(!required.has('employments')
      ? employmentCodes.map((code) => notApplied(code, 'The policy did not ask for employment data.'))
      : (without(['employments'], employmentCodes) ??
        employmentRules(jobs, policy.minTenureMonths, input.evaluatedAt))),
  );

  const contributionItems = judged('contributions').map(({ item }) => item);
  const contributions = contributionItems.length > 0 ? judgeContributions(contributionItems, policy, now) : undefined;
  const contributionCodes = ['INSUFFICIENT_CONTRIBUTIONS', 'CONTRIBUTION_GAP'];
  rules.push(
    ...(!required.has('contributions')
      ? contributionCodes.map((code) => notApplied(code, 'The policy did not ask for contribution data.'))
      : (without(['contributions'], contributionCodes) ?? contributions!.rules)),
  );

  const income =
    payslipIncomes.length > 0
      ? judgeIncome(payslipIncomes, [], policy, now, 'payslips')
      : judgeIncome(
          judged('incomes').map(({ item }) => item),
          judged('eincomes').map(({ item }) => item),
          policy,
          now,
        );
  rules.push(
    ...(!policy.minMonthlyIncome
      ? [notApplied('INCOME_BELOW_MINIMUM', 'The policy sets no minimum monthly income.')]
      : ((payslipIncomes.length > 0 ? undefined : without(['incomes', 'eincomes'], ['INCOME_BELOW_MINIMUM'])) ?? [
          income.rule!,
        ])),
  );
  if (documents) rules.push(...documents.rules);

  rules.push(input.kyc ? kycRule(input.kyc) : notApplied('KYC_FAILED', 'The policy ran no KYC job.'));

  const reasons: Reason[] = rules
    .filter((rule) => rule.result === 'fail' || rule.result === 'cannot_judge')
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
      employments: employmentFindings(jobs, input.evaluatedAt),
      income: income.finding,
      contributions: contributions?.finding ?? emptyContributions(policy),
      ...(documents
        ? {
            documents: documents.findings,
            ...(documents.notJudged > 0 ? { documentsNotJudged: documents.notJudged } : {}),
          }
        : {}),
    },
  };
}

export function outcomeOf(rules: Rule[]): Outcome {
  if (rules.some((r) => r.result === 'fail' && HARD_RULES.has(r.code))) return 'DECLINED';
  return rules.some((r) => r.result === 'fail' || r.result === 'cannot_judge') ? 'REVIEW' : 'APPROVED';
}

/** A rule on data the policy did not ask for: shown as such in the report, never as a pass. */
const notApplied = (code: string, message: string): Rule => ({
  code,
  hard: HARD_RULES.has(code),
  result: 'not_applied',
  message,
});

const noDataRule = (code: string): Rule => ({
  code,
  hard: HARD_RULES.has(code),
  result: 'cannot_judge',
  message: 'No account of the run shared the data this rule needs.',
});

const unmatchedRule = (code: string): Rule => ({
  code,
  hard: HARD_RULES.has(code),
  result: 'cannot_judge',
  message: 'Only accounts whose identity did not match the applicant shared this data, so it cannot count.',
});

/** MISSING_DATAPOINT: a required datapoint that no account of the run shared (incomes: or payslips standing in). */
function missingRule(input: EvaluationInput, payslipIncome: boolean): Rule {
  const missing = input.policy.requiredDatapoints.filter(
    (datapoint) =>
      !(datapoint === 'incomes' && payslipIncome) &&
      input.accounts.every((account) => RESOURCES_OF[datapoint].every((kind) => account[kind].length === 0)),
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
