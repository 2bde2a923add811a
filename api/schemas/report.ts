import { z } from 'zod';
import { policySchema } from '../../workflows/policy.js';
import { OUTCOMES, REASON_RESULTS } from '../../workflows/types.js';
import { reviewResultSchema } from './verification.js';

/** The verification report: what the decision was made from, in one document a lender can keep. */

const RULE_RESULTS = ['pass', ...REASON_RESULTS, 'not_applied'] as const;

export const reasonSchema = z.object({ code: z.string(), result: z.enum(REASON_RESULTS), message: z.string() });

export const ruleSchema = z.object({
  code: z.string(),
  hard: z.boolean(),
  result: z.enum(RULE_RESULTS),
  value: z.union([z.number(), z.string()]).optional(),
  threshold: z.union([z.number(), z.string()]).optional(),
  message: z.string(),
});

const nullableString = z.string().nullable();

export const reportSchema = z.object({
  verificationId: z.string(),
  runId: z.string(),
  externalUserId: z.string(),
  generatedAt: z.string(),
  /** The newest sync of the judged accounts (else the decision's time): how fresh the data was. */
  dataAsOf: z.string(),
  decision: z.object({
    outcome: z.enum(OUTCOMES),
    automatedOutcome: z.enum(OUTCOMES).optional(),
    reasons: z.array(reasonSchema),
    evaluatedAt: z.string(),
    evidenceHash: z.string(),
    engineVersion: z.string(),
    policy: z.record(z.string(), z.unknown()),
    /** The human review of a REVIEW outcome, beside the engine's (`automatedOutcome`). */
    review: reviewResultSchema.optional(),
  }),
  applicant: z.object({ fullName: z.string().optional(), dateOfBirth: z.string().optional() }),
  accounts: z.array(
    z.object({
      accountId: z.string(),
      providerId: z.string(),
      sourceType: nullableString,
      connectedAt: nullableString,
      lastSyncAt: nullableString,
      /** null: the identity could not be matched (no name on either side). */
      identityMatched: z.boolean().nullable(),
    }),
  ),
  identity: z
    .object({
      fullName: nullableString,
      dateOfBirth: z.string().optional(),
      nameMatch: z.object({ score: z.number().nullable(), threshold: z.number(), result: z.enum(RULE_RESULTS) }),
      accountId: z.string(),
    })
    .nullable(),
  employments: z.array(
    z.object({
      employer: nullableString,
      jobTitle: nullableString,
      startDate: nullableString,
      endDate: nullableString,
      current: z.boolean().nullable(),
      tenureMonths: z.number().nullable(),
      accountId: z.string(),
    }),
  ),
  income: z.object({
    /** `payslips`: no account shared income and the policy let valid, consistent payslips stand in. */
    source: z.enum(['incomes', 'eincomes', 'payslips']).nullable(),
    currency: nullableString,
    months: z.array(z.object({ month: z.string(), gross: z.number(), net: z.number().nullable() })),
    averageMonthlyGross: z.number().nullable(),
    averageMonthlyNet: z.number().nullable(),
    frequency: nullableString,
  }),
  contributions: z.object({
    window: z.number(),
    months: z.array(z.object({ month: z.string(), amount: z.number(), currency: nullableString })),
    monthsWithContribution: z.number(),
    longestGapMonths: z.number(),
  }),
  rules: z.array(ruleSchema),
  /** The run's uploaded payslips as judged; absent when it has none. */
  documents: z
    .array(
      z.object({
        archiveId: z.string(),
        type: z.literal('PAYSLIP'),
        validFile: z.boolean().nullable(),
        period: z.object({ start: z.string(), end: z.string() }).nullable(),
        employer: nullableString,
        employeeName: nullableString,
        nameMatch: z.object({ score: z.number().nullable(), threshold: z.number(), result: z.enum(RULE_RESULTS) }),
        gross: z.number().nullable(),
        net: z.number().nullable(),
        currency: nullableString,
        consistency: z.object({
          comparedWith: nullableString,
          difference: z.number().nullable(),
          result: z.enum(RULE_RESULTS),
        }),
      }),
    )
    .optional(),
  /** Payslips beyond the number one decision judges: not judged. */
  documentsNotJudged: z.number().optional(),
  /** A monitored verification: this report is of the latest decision version; the changes that led to it. */
  monitoring: z
    .object({
      status: z.string(),
      until: z.string(),
      lastSyncAt: z.string().optional(),
      decisionVersion: z.number(),
      changes: z.array(z.object({ at: z.string(), from: z.string(), to: z.string(), codes: z.array(z.string()) })),
      endedReason: z.string().optional(),
      endedAt: z.string().optional(),
    })
    .optional(),
});
export type Report = z.infer<typeof reportSchema>;

/** `POST …/evaluate`: a policy as a start request gives it (partial overrides of the defaults). */
export const evaluateBody = z.object({ policy: policySchema }).strict();

export const evaluateReply = z.object({
  outcome: z.enum(OUTCOMES),
  reasons: z.array(reasonSchema),
  rules: z.array(ruleSchema),
});
