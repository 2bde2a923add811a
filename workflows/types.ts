import type { Policy } from './policy.js';

export const STATUSES = [
  'AWAITING_CONNECTION',
  'AWAITING_DATA',
  'EVALUATING',
  'IN_REVIEW',
  'COMPLETED',
  'EXPIRED',
  'FAILED',
  'CANCELLED',
] as const;
export type VerificationStatus = (typeof STATUSES)[number];
export const CLOSED_STATUSES: readonly VerificationStatus[] = ['COMPLETED', 'EXPIRED', 'FAILED', 'CANCELLED'];

/*
 * The unions shared by the workflow, the activities and the API's zod schemas,
 * defined once as constant arrays (`z.enum(OUTCOMES)`): this file stays free of
 * zod because the workflow bundle imports it.
 */
export const KYC_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'TIMED_OUT'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const CALLBACK_STATUSES = ['PENDING', 'DELIVERED', 'FAILED', 'NOT_CONFIGURED'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export const OUTCOMES = ['APPROVED', 'DECLINED', 'REVIEW'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a reviewer may decide: REVIEW is the engine's word for "a person decides". */
export const REVIEW_OUTCOMES = ['APPROVED', 'DECLINED'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** RESOLVED by a reviewer, EXPIRED when `policy.review.timeout` passed first. */
export const REVIEW_STATUSES = ['RESOLVED', 'EXPIRED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The `type` of each result callback message. */
export const CALLBACK_TYPES = [
  'verification.completed',
  'verification.review_required',
  'verification.updated',
] as const;
export type CallbackType = (typeof CALLBACK_TYPES)[number];

export const MONITORING_STATUSES = ['ACTIVE', 'ENDED'] as const;
export type MonitoringStatus = (typeof MONITORING_STATUSES)[number];

/** Why a monitor ended. */
export const MONITOR_END_REASONS = [
  'DURATION_PASSED',
  'ALL_ACCOUNTS_DISCONNECTED',
  'STOPPED',
  'ERASED',
  'NEW_VERIFICATION',
] as const;
export type MonitorEndReason = (typeof MONITOR_END_REASONS)[number];

/** The datapoints a policy can require. */
export { DATAPOINTS, type Datapoint } from '../smile/kinds.js';

export const DATAPOINT_STATES = ['PENDING', 'RECEIVED', 'MISSING'] as const;
export type DatapointState = (typeof DATAPOINT_STATES)[number];

/** The applicant's personal data of a start request: kept in Postgres, never in a workflow's history. */
export interface Applicant {
  fullName?: string;
  dateOfBirth?: string;
  email?: string;
  phone?: string;
}

export type PartnerParams = Record<string, string | number>;

export type {
  AccountView,
  CallbackResult,
  Decision,
  InviteView,
  KycResult,
  Monitoring,
  MonitoringChange,
  ReviewResult,
  StatusDocument,
  WidgetTrail,
} from './status-document.js';

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
  /**
   * Whether a result callback URL applies (the request's, else RESULT_CALLBACK_URL):
   * false starts no callback child. Runs started without the field start it.
   */
  callbackConfigured?: boolean;
  partnerParams?: PartnerParams;
  /** Whether Smile sends the applicant a hosted invite (the contact stays in Postgres under `requestId`). */
  invite?: boolean;
  /** The monitoring phase continues as new after this many handled events (tests use a small one); at most 100. */
  continueMonitorAfter?: number;
}

/** The hosted invite of a run started with `invite`: Smile's id, its landing page, and how far the user got. */
export const INVITE_STATUSES = ['INVITED', 'LINKED', 'EXPIRED'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];

export interface LinkToken {
  userToken: string;
  expiresAt: string;
}

export const SYNC_STATUSES = ['SUCCEEDED', 'FAILED'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/**
 * An account a decision judges: connected or confirmed in this run and
 * still connected. Ids and times only: the decision activity reads the data.
 */
export interface RunAccount {
  accountId: string;
  providerId: string;
  sourceType?: string;
  connectedAt?: string;
  lastSyncAt?: string;
}

export const REASON_RESULTS = ['fail', 'cannot_judge'] as const;
export type ReasonResult = (typeof REASON_RESULTS)[number];
