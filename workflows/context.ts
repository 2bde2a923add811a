import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ReviewRequest, SmileEventRef } from './messages.js';
import type { State } from './state.js';
import type { MonitorEndReason, StatusDocument, VerificationInput } from './types.js';

/** What every step works on: the run's input and state, and what the steps share within one run. */
export interface Ctx {
  input: VerificationInput;
  state: State;
  /** An in-flight token refresh, shared by concurrent callers (not carried across continue-as-new). */
  refreshing?: Promise<void>;
  /** Search attributes to write with the next status change: one history event instead of several. */
  pendingAttributes?: SearchAttributeUpdatePair[];
  /** The widget said an account connected and no webhook has yet: ask Smile (not carried across continue-as-new). */
  confirmConnection?: boolean;
  /** onTokenExpired arrived: the main flow refreshes the token, at most once a minute. */
  refreshRequested?: boolean;
  /** When the main flow last refreshed for onTokenExpired (workflow time, epoch ms). */
  lastRequestedRefreshAt?: number;
  /** Smile events that arrived before the Smile user was known, applied once it is. */
  earlyEvents?: SmileEventRef[];
  /** Set by a KYC step that counts a callback only once job_status confirms it; the callback's code then waits here. */
  kycCallback?: { resultCode?: string };
  /** The run's one close: a second caller (a cancel landing during it) gets the same result. */
  closing?: Promise<StatusDocument>;
  /** Set once the closed status document is stored: an accepted review update then answers it. */
  closed?: boolean;
  /** A handler changed what the stored document shows (a widget screen, the invite's status): the wait stores it. */
  documentChanged?: boolean;
  /** Why monitoring is to end (`DELETE …/monitor`, erasure, a new verification): recorded by a handler, acted on by the phase. */
  endMonitor?: MonitorEndReason;
  /** The run has done its last work; only waiting for handlers remains (the `handOver` update answers then). */
  finished?: boolean;
  /** A reviewer's accepted `reviewUpdate`, for the review step to apply (a run IN_REVIEW accepts one). */
  reviewRequest?: ReviewRequest;
}
