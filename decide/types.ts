import type { Policy } from '../workflows/policy.js';
import type { KycResult, Outcome } from '../workflows/types.js';

/** One stored Smile item (identity, employment, contribution, income, estimated income) as Smile sent it. */
export type Item = Record<string, unknown>;

/** The data of one account the run judges, by kind, each list in id order. */
export interface AccountData {
  accountId: string;
  providerId: string;
  identities: Item[];
  employments: Item[];
  contributions: Item[];
  incomes: Item[];
  eincomes: Item[];
}

/** An uploaded document the run judges: Smile's archive id, its status, and Smile's extraction as received. */
export interface DocumentData {
  archiveId: string;
  status: string;
  prediction: Item;
}

/** The KYC job's result, when the policy ran one. */
export type KycInput = Pick<KycResult, 'status' | 'resultCode'>;

/**
 * Exactly what a decision is made from: the run's accounts' data, the
 * applicant's name and birth date, the policy, the clock and the engine version.
 * Its canonical JSON is what `evidenceHash` covers.
 */
export interface EvaluationInput {
  engineVersion: string;
  /** The clock: what "now" is for every date rule. */
  evaluatedAt: string;
  applicant: { fullName?: string; dateOfBirth?: string };
  policy: Policy;
  accounts: AccountData[];
  kyc?: KycInput;
  /** The run's uploaded payslips; absent when it has none. */
  documents?: DocumentData[];
}

/** `not_applied`: the policy did not ask for this rule's data (shown in the report, never counted as a pass). */
export type RuleResult = 'pass' | 'fail' | 'cannot_judge' | 'not_applied';

export interface Rule {
  code: string;
  hard: boolean;
  result: RuleResult;
  value?: number | string;
  threshold?: number | string;
  message: string;
}

/** A rule that did not pass, as the status document shows it. */
export interface Reason {
  code: string;
  result: Exclude<RuleResult, 'pass' | 'not_applied'>;
  message: string;
}

export interface IdentityFinding {
  fullName: string | null;
  dateOfBirth?: string;
  nameMatch: { score: number | null; threshold: number; result: RuleResult };
  accountId: string;
}

export interface EmploymentFinding {
  employer: string | null;
  jobTitle: string | null;
  startDate: string | null;
  endDate: string | null;
  current: boolean | null;
  tenureMonths: number | null;
  accountId: string;
}

export interface IncomeFinding {
  source: 'incomes' | 'eincomes' | 'payslips' | null;
  currency: string | null;
  months: { month: string; gross: number; net: number | null }[];
  averageMonthlyGross: number | null;
  averageMonthlyNet: number | null;
  frequency: string | null;
}

export interface ContributionFinding {
  window: number;
  months: { month: string; amount: number; currency: string | null }[];
  monthsWithContribution: number;
  longestGapMonths: number;
}

/** One judged payslip, for the report. */
export interface DocumentFinding {
  archiveId: string;
  type: 'PAYSLIP';
  /** Smile's verdict on whether the file is a payslip; null when it gave none. */
  validFile: boolean | null;
  period: { start: string; end: string } | null;
  employer: string | null;
  employeeName: string | null;
  nameMatch: { score: number | null; threshold: number; result: RuleResult };
  gross: number | null;
  net: number | null;
  currency: string | null;
  /** What it was compared with (the accounts' pay for its period, the run's employments), the relative gross difference, and the verdict. */
  consistency: { comparedWith: string | null; difference: number | null; result: RuleResult };
}

/** What the decision judged, for the report: only data of accounts whose identity matched. */
export interface Findings {
  accounts: { accountId: string; providerId: string; identityMatched: boolean | null }[];
  identity: IdentityFinding | null;
  employments: EmploymentFinding[];
  income: IncomeFinding;
  contributions: ContributionFinding;
  /** The run's uploaded payslips, when it has any. */
  documents?: DocumentFinding[];
  /** Payslips past the number one decision judges (the report says so). */
  documentsNotJudged?: number;
}

export interface Evaluation {
  outcome: Outcome;
  rules: Rule[];
  reasons: Reason[];
  findings: Findings;
}
