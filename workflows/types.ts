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
import type { Datapoint } from '../smile/kinds.js';

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
}

/** The hosted invite of a run started with `invite`: Smile's id, its landing page, and how far the user got. */
export const INVITE_STATUSES = ['INVITED', 'LINKED', 'EXPIRED'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];
export interface InviteView {
  inviteId: string;
  url: string;
  status: InviteStatus;
}

export interface LinkToken {
  userToken: string;
  expiresAt: string;
}

export interface AccountView {
  accountId: string;
  providerId: string;
  status: string;
  errorCode?: string;
  /** ACCOUNT, ARCHIVE or UPLOAD (Smile's sourceType). */
  sourceType?: string;
  /** When this run saw the account connect (the event's createdAt). */
  connectedAt?: string;
  /** The account's last finished sync in this run. */
  sync?: { status: SyncStatus; finishedAt: string };
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

export interface KycResult {
  jobId: string;
  status: KycStatus;
  resultCode?: string;
}

/** The result callback's delivery. */
export interface CallbackResult {
  status: CallbackStatus;
  error?: string;
}

export const REASON_RESULTS = ['fail', 'cannot_judge'] as const;
export type ReasonResult = (typeof REASON_RESULTS)[number];

export interface Decision {
  outcome: Outcome;
  /** The rules that did not pass. */
  reasons: { code: string; result: ReasonResult; message: string }[];
  evaluatedAt: string;
  /** sha256 (hex) of the canonical JSON of the decision's inputs. */
  evidenceHash: string;
  engineVersion: string;
  /** The engine's outcome, when a reviewer's outcome replaced it. */
  automatedOutcome?: Outcome;
}

/** A review: resolved by a reviewer, or expired at `policy.review.timeout`. */
export interface ReviewResult {
  status: ReviewStatus;
  reviewer?: string;
  outcome?: ReviewOutcome;
  note?: string;
  reasonCode?: string;
  reviewedAt?: string;
  /** The API key's name (never its secret) that sent the review. */
  keyName?: string;
}

/** One change a monitor saw: the outcome before and after, and the codes whose result changed. */
export interface MonitoringChange {
  at: string;
  from: Outcome;
  to: Outcome;
  codes: string[];
}

/** The `monitoring` of a monitored verification's status document. */
export interface Monitoring {
  status: MonitoringStatus;
  until: string;
  lastSyncAt?: string;
  changes: MonitoringChange[];
  endedReason?: MonitorEndReason;
  endedAt?: string;
}

/** The status document, served by the API while running (query) and after close (Postgres). */
export interface StatusDocument {
  verificationId: string;
  /** The run's first run id (the same across continue-as-new): which run of the user's verifications this is. */
  runId: string;
  externalUserId: string;
  smileUserId: string | null;
  status: VerificationStatus;
  /** The step the workflow is in (issueToken, awaitConnection, awaitSync, collectData, kyc, decide, notify, done). */
  stage: string;
  createdAt: string;
  updatedAt: string;
  accounts: AccountView[];
  datapoints: Record<Datapoint, DatapointState>;
  kyc?: KycResult;
  decision?: Decision;
  review?: ReviewResult;
  monitoring?: Monitoring;
  callback?: CallbackResult;
  /** Why a verification FAILED. */
  failure?: { code: string; message: string };
  partnerParams?: PartnerParams;
  invite?: InviteView;
  widget?: WidgetTrail;
  /** The run's uploads (Smile archives) and where each is. */
  documents?: { archiveId: string; status: string }[];
}

/** The widget screens the user saw (onUIEvent names and times, nothing else), oldest first. */
export interface WidgetTrail {
  lastScreen: string;
  screens: { name: string; at: string }[];
}
