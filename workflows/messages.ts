import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  InviteView,
  LinkToken,
  MonitorEndReason,
  ReviewOutcome,
  StatusDocument,
  VerificationStatus,
} from './types.js';

/**
 * The verification workflow's messages, defined once here and imported by the API:
 * no message name is spelt anywhere else.
 */

export interface LinkTokenRequest {
  /** The API request sending this update; equal to the run's own `requestId` when that request started it. */
  requestId: string;
}

export interface LinkTokenReply extends LinkToken {
  smileUserId: string;
  status: VerificationStatus;
  /** The run's first run id, which names it in the status document. */
  runId: string;
  /** True when the request that sent this update also started the run (the API answers 201). */
  startedByRequest: boolean;
  invite?: InviteView;
}

/** An update, not a signal: an update handler may return a value (the token) to its caller. */
export const linkTokenUpdate = defineUpdate<LinkTokenReply, [LinkTokenRequest]>('linkToken');

export const statusQuery = defineQuery<StatusDocument>('status');

/**
 * A claim check for one Smile webhook held in the inbox: enough to
 * route and decide what to wait for, never the data payload itself. Activities
 * read the payload from Postgres by `eventId`.
 */
export interface SmileEventRef {
  eventId: string;
  /** The event type, normalised to the spec's spelling (e.g. `EMPLOYMENTS_ADDED`). */
  type: string;
  smileUserId: string;
  accountId?: string;
  providerId?: string;
  /** `sourceType` of TASK_FINISHED / ACCOUNT_SYNC_TASK_FINISHED (e.g. `ACCOUNT`, `ARCHIVE`, `UPLOAD`). */
  sourceType?: string;
  /** Datapoints the event says are available (from TASK_FINISHED `datapoints`, or the *_ADDED type). */
  datapoints?: string[];
  /** An error code for ACCOUNT_FAILED and similar. */
  errorCode?: string;
  /** TASK_FINISHED / ACCOUNT_SYNC_TASK_FINISHED: `SUCCEEDED` or `FAILED` (a failed sync is not data). */
  status?: string;
  /** True when the inbox row holds a non-empty `payload`. */
  hasPayload: boolean;
  createdAt: string;
  /**
   * When the inbox received it. An event received before the run started is
   * never the run's, whatever Smile's `createdAt` says (admission.ts); absent
   * only in references signalled before the inbox sent it.
   */
  receivedAt?: string;
}

/**
 * The Smile events that can change a verification's course: account lifecycle and
 * finished syncs. Only these are signalled. Progress events (TASK_STARTED, the
 * `*_ADDED` / `*_UPDATED` datapoint events, types the workflow does not know) stay
 * in the inbox, routed and marked `recorded`: TASK_FINISHED lists the synced
 * datapoints itself, and each signal would cost the run a signal and a workflow
 * task in its history (four events) for nothing.
 */
export const SIGNALLED_SMILE_EVENTS: ReadonlySet<string> = new Set([
  'ACCOUNT_CREATED',
  'ACCOUNT_CONNECTED',
  'INVITE_LINKED',
  'ACCOUNT_FAILED',
  'ACCOUNT_DISCONNECTED',
  'ARCHIVE_ANALYZED',
  'ARCHIVE_FAILED',
  'ARCHIVE_REVOKED',
  'TASK_FINISHED',
  'ACCOUNT_SYNC_TASK_FINISHED',
]);

/** A signal handler may not return a value: the sender only learns it was delivered. */
export const smileEventSignal = defineSignal<[SmileEventRef]>('smileEvent');

/**
 * Several of one user's events that were due together, in order of arrival (a
 * sync's burst: one signal and one workflow task instead of one each). The API
 * sends this one; `smileEvent` stays handled for signals already in flight and
 * recorded histories, so workers are deployed before APIs (docs/workflow.md).
 */
export const smileEventsSignal = defineSignal<[SmileEventRef[]]>('smileEvents');

/** The most references one `smileEvents` signal carries (each a few hundred bytes). */
export const SMILE_EVENTS_PER_SIGNAL = 50;

/** A Wink widget callback forwarded by the front end: a hint, never a decision. */
export interface WidgetEventRef {
  callback: string;
  accountId?: string;
  providerId?: string;
  errorCode?: string;
  eventName?: string;
  receivedAt: string;
}
export const widgetEventSignal = defineSignal<[WidgetEventRef]>('widgetEvent');

/** A KYC job result reference; the full result stays in Postgres. */
export interface KycResultRef {
  eventId: string;
  jobId: string;
  resultCode: string;
  receivedAt: string;
}
export const kycResultSignal = defineSignal<[KycResultRef]>('kycResult');

/** `POST /v1/verifications/:id/review`: a reviewer's outcome for a run `IN_REVIEW`. */
export interface ReviewRequest {
  outcome: ReviewOutcome;
  reviewer: string;
  note?: string;
  reasonCode?: string;
  /** The API key's name (never its secret), for the audit row. */
  keyName: string;
}

/** An update: its validator refuses a run not `IN_REVIEW` before anything is written; it answers the closed document. */
export const reviewUpdate = defineUpdate<StatusDocument, [ReviewRequest]>('review');

/** Ends a run's monitoring: `DELETE …/monitor` (STOPPED) or erasure (ERASED); ignored by a run that is not monitoring. */
export const endMonitorSignal = defineSignal<[{ reason: MonitorEndReason }]>('endMonitor');

/**
 * A new verification of the user is asked for while this run is closing or
 * monitoring: the run finishes the step it is in (monitoring ends
 * NEW_VERIFICATION, its end stored, Smile's sync off) and closes. The update
 * answers once nothing is left but closing, so the API's next start begins the
 * new run: one user's runs never overlap, and nobody waits a fixed time. Its
 * validator refuses a run that has not closed (a start joins that one).
 */
export const handOverUpdate = defineUpdate<void, []>('handOver');
