import { z } from 'zod';
import { EXTERNAL_USER_ID_PATTERN } from '../../workflows/ids.js';
import { policySchema } from '../../workflows/policy.js';
import { inviteViewSchema, statusDocumentSchema } from '../../workflows/status-document.js';

export { statusDocumentSchema };
import { REVIEW_OUTCOMES, STATUSES, type Applicant } from '../../workflows/types.js';

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
  invite: inviteViewSchema.optional(),
});

export const verificationParams = z.object({ id: z.string().min(1).max(200) });

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
