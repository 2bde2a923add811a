import { z } from 'zod';
import { DATAPOINTS } from './types.js';

export { durationMs } from './duration.js';

/** Durations are strings such as `30s`, `10m`, `72h` or `2d` (SPEC §6). */
const durationSchema = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 30s, 10m, 72h or 2d');

const contributionMonthsSchema = z
  .object({ required: z.number().int().min(0).max(120), window: z.number().int().min(1).max(120) })
  .refine((value) => value.required <= value.window, 'required must not exceed window');

const kycSchema = z
  .object({
    enabled: z.boolean().default(false),
    jobType: z.number().int().min(1).default(5),
    callbackTimeout: durationSchema.default('2m'),
    maxWait: durationSchema.default('30m'),
  })
  .strict();

/** The verification policy with its defaults; every field is optional per request. */
export const policySchema = z
  .object({
    requiredDatapoints: z.array(z.enum(DATAPOINTS)).default(['identity', 'employments', 'contributions']),
    nameMatchThreshold: z.number().min(0).max(1).default(0.85),
    minTenureMonths: z.number().int().min(0).default(3),
    contributionMonths: contributionMonthsSchema.default({ required: 6, window: 12 }),
    maxContributionGapMonths: z.number().int().min(0).default(2),
    /** Minimum estimated monthly income per ISO currency, e.g. `{ "PHP": 20000 }`. */
    minMonthlyIncome: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().nonnegative()).optional(),
    /** How many full months (not the current one) the monthly income is averaged over. */
    incomeMonths: z.number().int().min(1).max(24).default(3),
    connectTimeout: durationSchema.default('72h'),
    dataTimeout: durationSchema.default('30m'),
    tokenRefreshMargin: durationSchema.default('10m'),
    maxConnectAttempts: z.number().int().min(1).max(20).default(3),
    eraseOnDisconnect: z.boolean().default(false),
    kyc: kycSchema.default({ enabled: false, jobType: 5, callbackTimeout: '2m', maxWait: '30m' }),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyOverrides = z.input<typeof policySchema>;

/** Merges a request's partial policy over the defaults; throws a ZodError when invalid. */
export function resolvePolicy(overrides: PolicyOverrides = {}): Policy {
  return policySchema.parse(overrides);
}
