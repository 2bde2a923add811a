import type { Datapoint, Policy } from './policy.js';

export const STATUSES = [
  'AWAITING_CONNECTION',
  'AWAITING_DATA',
  'EVALUATING',
  'COMPLETED',
  'EXPIRED',
  'FAILED',
  'CANCELLED',
] as const;
export type VerificationStatus = (typeof STATUSES)[number];
export const CLOSED_STATUSES: readonly VerificationStatus[] = ['COMPLETED', 'EXPIRED', 'FAILED', 'CANCELLED'];

export type PartnerParams = Record<string, string | number>;

/**
 * What the workflow starts with. No personal data: the applicant's name and date
 * of birth stay in Postgres under `requestId` (a claim check), out of history.
 */
export interface VerificationInput {
  externalUserId: string;
  /** The API request that started this run; also tells an update whether it created the run. */
  requestId: string;
  policy: Policy;
  callbackUrl?: string;
  partnerParams?: PartnerParams;
}

export interface LinkToken {
  userToken: string;
  expiresAt: string;
}

export type DatapointState = 'PENDING' | 'RECEIVED' | 'MISSING';

export interface AccountView {
  accountId: string;
  providerId: string;
  status: string;
  errorCode?: string;
}

export interface Decision {
  outcome: 'APPROVED' | 'DECLINED' | 'REVIEW';
  reasons: { code: string; message: string }[];
  evaluatedAt: string;
}

/** The status document of SPEC §3, served by the API while running (query) and after close (Postgres). */
export interface StatusDocument {
  verificationId: string;
  externalUserId: string;
  smileUserId: string | null;
  status: VerificationStatus;
  /** The step the workflow is in (issueToken, awaitConnection, awaitSync, collectData, kyc, decide, notify, done). */
  stage: string;
  createdAt: string;
  updatedAt: string;
  accounts: AccountView[];
  datapoints: Record<Datapoint, DatapointState>;
  kyc?: { jobId: string; status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'TIMED_OUT'; resultCode?: string };
  decision?: Decision;
  /** The result callback's delivery (SPEC §7). */
  callback?: { status: 'PENDING' | 'DELIVERED' | 'FAILED' | 'NOT_CONFIGURED'; error?: string };
  /** Why a verification FAILED. */
  failure?: { code: string; message: string };
  partnerParams?: PartnerParams;
}

/** The applicant a start request may name (SPEC §3): personal data, kept in Postgres, never in history. */
export interface Applicant {
  fullName?: string;
  dateOfBirth?: string;
  email?: string;
  phone?: string;
}
