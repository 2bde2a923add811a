import { z } from 'zod';
import { durationMs } from './duration.js';
import { DATAPOINTS } from '../smile/kinds.js';

export { durationMs } from './duration.js';

const DURATION = /^\d+(ms|s|m|h|d)$/;

/**
 * A duration string such as `30s`, `10m`, `72h` or `2d`, within the policy bounds:
 * a policy can neither spin a run (`0s`) nor outgrow Temporal's history limits (`999d`).
 */
function durationSchema(min: string, max: string) {
  return z
    .string()
    .regex(DURATION, 'must be a duration such as 30s, 10m, 72h or 2d')
    .refine((value) => !DURATION.test(value) || durationMs(value) >= durationMs(min), `must be at least ${min}`)
    .refine((value) => !DURATION.test(value) || durationMs(value) <= durationMs(max), `must be at most ${max}`);
}

const contributionMonthsSchema = z
  .object({ required: z.number().int().min(0).max(60), window: z.number().int().min(1).max(60) })
  .strict()
  .refine((value) => value.required <= value.window, { message: 'must not exceed window', path: ['required'] });

const KYC_DEFAULTS = { enabled: false, jobType: 5, callbackTimeout: '10m', maxWait: '24h' } as const;

/** KYC waits `callbackTimeout` for the signed callback, and `maxWait` in all (so maxWait ≥ callbackTimeout). */
const kycSchema = z
  .object({
    enabled: z.boolean().default(KYC_DEFAULTS.enabled),
    jobType: z.number().int().min(1).default(KYC_DEFAULTS.jobType),
    callbackTimeout: durationSchema('1s', '24h').default(KYC_DEFAULTS.callbackTimeout),
    maxWait: durationSchema('1s', '7d').default(KYC_DEFAULTS.maxWait),
  })
  .strict()
  .refine((kyc) => !DURATION.test(kyc.maxWait) || durationMs(kyc.maxWait) >= durationMs(kyc.callbackTimeout), {
    message: 'must be at least callbackTimeout',
    path: ['maxWait'],
  });

const REVIEW_DEFAULTS = { enabled: false, timeout: '7d' } as const;

/** With review enabled, a REVIEW outcome waits up to `timeout` for a reviewer. */
const reviewSchema = z
  .object({
    enabled: z.boolean().default(REVIEW_DEFAULTS.enabled),
    timeout: durationSchema('1s', '90d').default(REVIEW_DEFAULTS.timeout),
  })
  .strict();

const MONITOR_DEFAULTS = { enabled: false, duration: '90d' } as const;

/** With monitoring enabled, a completed verification is kept current for `duration`. */
const monitorSchema = z
  .object({
    enabled: z.boolean().default(MONITOR_DEFAULTS.enabled),
    duration: durationSchema('1m', '365d').default(MONITOR_DEFAULTS.duration),
  })
  .strict();

/** The verification policy with its defaults; every field is optional per request. */
export const policySchema = z
  .object({
    requiredDatapoints: z.array(z.enum(DATAPOINTS)).default(['identity', 'employments', 'contributions']),
    /** Below 0.5 a single shared word would match: no policy can switch the name rule off by a value. */
    nameMatchThreshold: z.number().min(0.5).max(1).default(0.85),
    minTenureMonths: z.number().int().min(0).max(600).default(3),
    contributionMonths: contributionMonthsSchema.default({ required: 6, window: 12 }),
    maxContributionGapMonths: z.number().int().min(0).max(60).default(2),
    /** Minimum estimated monthly income per ISO currency, e.g. `{ "PHP": 20000 }`. */
    minMonthlyIncome: z
      .record(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'), z.number().nonnegative().max(1e12))
      .optional(),
    /** How many full months (not the current one) the monthly income is averaged over. */
    incomeMonths: z.number().int().min(1).max(24).default(3),
    connectTimeout: durationSchema('1s', '30d').default('72h'),
    dataTimeout: durationSchema('1s', '7d').default('30m'),
    /** How often a run waiting for a connection asks Smile for the user's connected accounts. */
    connectionCheckInterval: durationSchema('5s', '24h').default('15m'),
    tokenRefreshMargin: durationSchema('0s', '4h').default('10m'),
    maxConnectAttempts: z.number().int().min(1).max(20).default(3),
    eraseOnDisconnect: z.boolean().default(false),
    /** How far a payslip's gross may differ from the account's income for the same pay period (0.1: 10 %). */
    documentTolerance: z.number().min(0).max(1).default(0.1),
    /** Valid payslips consistent with the run's data may stand in for `incomes` when no account shared any. */
    acceptPayslipsAsIncome: z.boolean().default(false),
    kyc: kycSchema.default(KYC_DEFAULTS),
    review: reviewSchema.default(REVIEW_DEFAULTS),
    monitor: monitorSchema.default(MONITOR_DEFAULTS),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyOverrides = z.input<typeof policySchema>;

/** Merges a request's partial policy over the defaults; throws a ZodError when invalid. */
export function resolvePolicy(overrides: PolicyOverrides = {}): Policy {
  return policySchema.parse(overrides);
}
