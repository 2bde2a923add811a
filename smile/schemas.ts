import { z } from 'zod';

/**
 * Smile's shapes (../shared/smile-api/openapi-v1.yaml, v1.14.0), strict only on
 * what we depend on (ids, dates as strings); loose objects keep every field
 * Smile adds, so raw JSON can be stored as received.
 */

/** Smile API answers: `{ code, message, requestId, data }`. */
export const apiEnvelopeSchema = <T extends z.ZodType>(data: T) =>
  z.object({ code: z.string(), message: z.string().nullish(), requestId: z.string().nullish(), data });

export const errorEnvelopeSchema = z.object({
  code: z.string(),
  message: z.string().nullish(),
  requestId: z.string().nullish(),
});

export const tokenSchema = z.looseObject({
  id: z.string().optional(),
  expiresAt: z.string(),
  mode: z.enum(['SANDBOX', 'PRODUCTION']),
  accessToken: z.string().min(1),
});

export const userSchema = z.looseObject({
  id: z.string().min(1),
  externalMetadata: z.record(z.string(), z.string()).nullish(),
  createdAt: z.string(),
  providers: z.array(z.string()).nullish(),
});

export const createUserDataSchema = z.object({ user: userSchema, token: tokenSchema });

export const accountSchema = z.looseObject({
  id: z.string().min(1),
  userId: z.string().nullish(),
  providerId: z.string().nullish(),
  status: z.string().nullish(),
  connectionStatus: z.string().nullish(),
  createdAt: z.string().nullish(),
});

/** Every user-data item has at least a Smile id; the rest is stored raw and judged later. */
export const dataItemSchema = z.looseObject({
  id: z.string().min(1),
  accountId: z.string().nullish(),
  userId: z.string().nullish(),
});

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.union([z.string(), z.number()]).nullish() });

/** Smile's Invite (openapi `Invite`): what a run keeps of it. */
export const inviteSchema = z.looseObject({
  id: z.string().min(1),
  userId: z.string().min(1),
  email: z.string(),
  fullName: z.string(),
  status: z.string(),
  createdAt: z.string(),
  inviteLandingPageUrl: z.string().nullish(),
});

/** Smile's Archive (an upload): its id and state; the rest is kept as received. */
export const archiveSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().nullish(),
  state: z.looseObject({ status: z.string().nullish() }).nullish(),
});

/** Smile's payslip extraction (`ArchivePayslipPredictionQueryResponseData`): stored raw, read by the engine, never trusted here. */
export const payslipPredictionSchema = z.looseObject({});

export const webhookSchema = z.looseObject({
  id: z.string().min(1),
  url: z.string(),
  includePayload: z.boolean().nullish(),
});

export type SmileToken = z.infer<typeof tokenSchema>;
export type SmileInvite = z.infer<typeof inviteSchema>;
export type SmileDataItem = z.infer<typeof dataItemSchema>;
export type Page<T> = { items: T[]; nextCursor?: string | number | null };
