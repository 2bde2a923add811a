import { z } from 'zod';

/**
 * Faults for tests and demos, set with `POST /sandbox/v1/faults`
 * and cleared with `DELETE /sandbox/v1/faults`. Each applies from when it is set.
 */
export const faultsSchema = z.strictObject({
  /** Lifetime of link tokens issued from now on (default 5 hours). */
  tokenTtlSeconds: z.number().int().min(0).max(86_400).optional(),
  /** Event types that are never delivered (they still happen: the data is there). */
  dropEventTypes: z.array(z.string().regex(/^[A-Z_]+$/)).default([]),
  /** Deliver every event twice, with the same id. */
  duplicateEvents: z.boolean().default(false),
  /** Deliver each burst of events (one connect, one sync) in reverse order. */
  reorderEvents: z.boolean().default(false),
  /** Each event is delivered this long after it happens (latency; order is kept). */
  deliveryDelayMs: z.number().int().min(0).max(600_000).default(0),
  /** The next N delivery attempts fail as if the receiver answered 503 (nothing is sent); retries follow. */
  failDeliveriesFirstN: z.number().int().min(0).max(1_000).default(0),
  /** Smile ID: answer every KYC job with this ResultCode (see the index page). */
  kycResultCode: z.enum(['1012', '1013', '1020', '1021', '1022', '1023']).optional(),
  /** Smile ID: never send job callbacks (job_status still answers). */
  dropKycCallbacks: z.boolean().default(false),
  /** A connection's sync fails: its TASK_FINISHED has `status: FAILED` and the account holds no data. */
  failSyncs: z.boolean().default(false),
  /** `POST /v1/tokens` answers 404 MISSING_RESOURCE: Smile cannot issue a token (POST /users still returns its first one). */
  failTokenRefresh: z.boolean().default(false),
  /** Payslips a persona uploads claim 60 % more gross and net than its payroll (12,500 becomes 20,000). */
  inconsistentPayslips: z.boolean().default(false),
});
export type Faults = z.infer<typeof faultsSchema>;

export const NO_FAULTS: Faults = faultsSchema.parse({});
