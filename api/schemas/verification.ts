import { z } from 'zod';
import { EXTERNAL_USER_ID_PATTERN } from '../../workflows/ids.js';
import { policySchema } from '../../workflows/policy.js';
import {
  CALLBACK_STATUSES,
  DATAPOINT_STATES,
  DATAPOINTS,
  KYC_STATUSES,
  MONITOR_END_REASONS,
  MONITORING_STATUSES,
  OUTCOMES,
  REASON_RESULTS,
  REVIEW_OUTCOMES,
  REVIEW_STATUSES,
  INVITE_STATUSES,
  STATUSES,
  SYNC_STATUSES,
  type Applicant,
  type ReviewResult,
} from '../../workflows/types.js';

const isoDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });

export const applicantSchema = z
  .object({
    fullName: z.string().min(1).max(300).optional(),
    dateOfBirth: isoDate.optional(),
    email: z.email().max(320).optional(),
    phone: z.string().min(3).max(40).optional(),
  })
  .strict() satisfies z.ZodType<Applicant>;

/** At most 20 entries of bounded size: they are echoed in every document and callback. */
export const MAX_PARTNER_PARAMS = 20;
export const partnerParamsSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(1_000), z.number().finite()]))
  .refine((params) => Object.keys(params).length <= MAX_PARTNER_PARAMS, {
    message: `at most ${MAX_PARTNER_PARAMS} entries`,
  });

/** `invite`: Smile emails the applicant a hosted link (the contact is personal data, kept like the applicant). */
export const inviteRequestSchema = z
  .object({ email: z.email().max(200), phone: z.string().min(3).max(40).optional() })
  .strict();

export const startVerificationBody = z
  .object({
    externalUserId: z.string().regex(EXTERNAL_USER_ID_PATTERN, 'must be 1-128 characters of [A-Za-z0-9._:@-]'),
    applicant: applicantSchema.optional(),
    invite: inviteRequestSchema.optional(),
    policy: policySchema.default(policySchema.parse({})),
    callbackUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    partnerParams: partnerParamsSchema.optional(),
  })
  .strict()
  // Smile's invite greets the user by name: no invite without one.
  .refine((body) => !body.invite || body.applicant?.fullName !== undefined, {
    message: 'applicant.fullName is required with invite',
    path: ['applicant', 'fullName'],
  });

export const inviteSchema = z.object({ inviteId: z.string(), url: z.string(), status: z.enum(INVITE_STATUSES) });
export const widgetTrailSchema = z.object({
  lastScreen: z.string(),
  screens: z.array(z.object({ name: z.string(), at: z.string() })),
});

export const linkSchema = z.object({ userToken: z.string(), expiresAt: z.string() });

/** Authorizes the browser's widget-events for this verification's run only. */
const widgetToken = z.string().describe("Bearer token for this verification's widget-events, nothing else");

export const linkTokenReply = linkSchema.extend({ widgetToken });

export const startVerificationReply = z.object({
  verificationId: z.string(),
  runId: z.string(),
  status: z.enum(STATUSES),
  smileUserId: z.string(),
  link: linkSchema,
  widgetToken,
  invite: inviteSchema.optional(),
});

export const verificationParams = z.object({ id: z.string().min(1).max(200) });

/** A REVIEW outcome's review: RESOLVED by a reviewer, or EXPIRED at the policy's timeout. */
export const reviewResultSchema = z.object({
  status: z.enum(REVIEW_STATUSES),
  reviewer: z.string().optional(),
  outcome: z.enum(REVIEW_OUTCOMES).optional(),
  note: z.string().optional(),
  reasonCode: z.string().optional(),
  reviewedAt: z.string().optional(),
  keyName: z.string().optional(),
}) satisfies z.ZodType<ReviewResult>;

export const statusDocumentSchema = z.object({
  verificationId: z.string(),
  runId: z.string(),
  externalUserId: z.string(),
  smileUserId: z.string().nullable(),
  status: z.enum(STATUSES),
  stage: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  accounts: z.array(
    z.object({
      accountId: z.string(),
      providerId: z.string(),
      status: z.string(),
      errorCode: z.string().optional(),
      sourceType: z.string().optional(),
      connectedAt: z.string().optional(),
      sync: z.object({ status: z.enum(SYNC_STATUSES), finishedAt: z.string() }).optional(),
    }),
  ),
  datapoints: z.record(z.enum(DATAPOINTS), z.enum(DATAPOINT_STATES)),
  kyc: z.object({ jobId: z.string(), status: z.enum(KYC_STATUSES), resultCode: z.string().optional() }).optional(),
  callback: z.object({ status: z.enum(CALLBACK_STATUSES), error: z.string().optional() }).optional(),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  // `result`, `evidenceHash` and `engineVersion` are absent only from decisions made before decisions kept evidence.
  decision: z
    .object({
      outcome: z.enum(OUTCOMES),
      reasons: z.array(z.object({ code: z.string(), result: z.enum(REASON_RESULTS).optional(), message: z.string() })),
      evaluatedAt: z.string(),
      evidenceHash: z.string().optional(),
      engineVersion: z.string().optional(),
      /** The engine's outcome, when a reviewer's outcome replaced it. */
      automatedOutcome: z.enum(OUTCOMES).optional(),
    })
    .optional(),
  review: reviewResultSchema.optional(),
  // Kept current by the user's monitor after the run closed.
  monitoring: z
    .object({
      status: z.enum(MONITORING_STATUSES),
      until: z.string(),
      lastSyncAt: z.string().optional(),
      changes: z.array(
        z.object({ at: z.string(), from: z.enum(OUTCOMES), to: z.enum(OUTCOMES), codes: z.array(z.string()) }),
      ),
      endedReason: z.enum(MONITOR_END_REASONS).optional(),
      endedAt: z.string().optional(),
    })
    .optional(),
  partnerParams: partnerParamsSchema.optional(),
  invite: inviteSchema.optional(),
  widget: widgetTrailSchema.optional(),
  documents: z.array(z.object({ archiveId: z.string(), status: z.string() })).optional(),
  // The user's latest erasure (DELETE …/data, or eraseOnDisconnect): ERASING until every step is done.
  erasure: z
    .object({ status: z.enum(['ERASING', 'ERASED']), requestedAt: z.string(), finishedAt: z.string().optional() })
    .optional(),
});

/** `POST /v1/verifications/:id/review`: a reviewer's outcome for a verification IN_REVIEW. */
export const reviewBody = z
  .object({
    outcome: z.enum(REVIEW_OUTCOMES),
    reviewer: z.string().min(1).max(128),
    note: z.string().max(2_000).optional(),
    reasonCode: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9._:-]')
      .optional(),
  })
  .strict();
