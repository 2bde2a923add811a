import type { SmileEventRef } from './messages.js';
import type { Datapoint, DatapointState, LinkToken, Outcome, StatusDocument } from './types.js';
import type {
  AccountView,
  CallbackResult,
  InviteView,
  WidgetTrail,
  Decision,
  KycResult,
  Monitoring,
  ReviewResult,
  RunAccount,
  VerificationInput,
  VerificationStatus,
} from './types.js';

/**
 * Everything the workflow knows, as plain data: it is what continue-as-new
 * carries, and the status document is derived from it. The functions here are
 * pure (no Temporal API), so they are unit-tested directly.
 */
export interface State {
  status: VerificationStatus;
  stage: string;
  smileUserId?: string;
  link?: LinkToken;
  createdAt: string;
  updatedAt: string;
  accounts: AccountView[];
  /** Distinct ACCOUNT_FAILED events (counted once per event id). */
  failures: number;
  /** Bumped on each disconnect: waiting for a sync starts over. */
  connectionEpoch: number;
  datapoints: Record<Datapoint, DatapointState>;
  /** TASK_FINISHED (or an upload's analysis) for a connected source, newest last. */
  finishedTasks: { eventId: string; accountId?: string; hasPayload: boolean; epoch: number }[];
  /** A bounded memory of handled event ids: duplicates have no second effect. */
  seenEventIds: string[];
  widgetHint?: string;
  kyc?: KycResult;
  decision?: Decision;
  /** A REVIEW outcome's human review, once resolved or expired. */
  review?: ReviewResult;
  callback?: CallbackResult;
  /** Set as a monitored run closes; the monitoring phase writes its later states to the stored document. */
  monitoring?: Monitoring;
  /** The monitoring phase's own bookkeeping (steps/monitor.ts), carried across continue-as-new. */
  monitor?: MonitorState;
  failure?: { code: string; message: string };
  /** Absolute deadlines (epoch ms), so they survive continue-as-new. */
  deadlines: { connect?: number; data?: number };
  /** The run created its Smile user: none of that user's accounts predates the run. */
  newSmileUser?: boolean;
  /** INVITE_LINKED events (which carry no account id) whose account the next sync names. */
  pendingInvites?: number;
  /** The run's hosted invite, when it was started with one. */
  invite?: InviteView;
  /** The widget screens seen (onUIEvent), at most WIDGET_SCREENS_LIMIT, the newest kept. */
  widget?: WidgetTrail;
}

/** What the monitoring phase judges and remembers. Ids, codes and times only. */
export interface MonitorState {
  /** The accounts the decision judged: only their syncs count, and only their data is judged again. */
  accounts: RunAccount[];
  /** The run's KYC result, judged again as it was. */
  kyc?: Pick<KycResult, 'status' | 'resultCode'>;
  /** The engine's current outcome (the latest decision version's; a reviewer's lives in the document). */
  outcome: Outcome;
  disconnected: string[];
  seenEventIds: string[];
  /** Each write to the stored document bumps it, so a late write never replaces a newer one. */
  revision: number;
  /** The run's Smile events from the moment monitoring began, oldest first, until the phase handles them (carried across continue-as-new). */
  pending: SmileEventRef[];
}

/** How many widget screens a run remembers: enough for a funnel, bounded against a chatty browser. */
export const WIDGET_SCREENS_LIMIT = 50;

export const SEEN_EVENT_IDS_LIMIT = 1_000;

export function initialState(now: string): State {
  return {
    status: 'AWAITING_CONNECTION',
    stage: 'issueToken',
    createdAt: now,
    updatedAt: now,
    accounts: [],
    failures: 0,
    connectionEpoch: 0,
    datapoints: { identity: 'PENDING', employments: 'PENDING', contributions: 'PENDING', incomes: 'PENDING' },
    finishedTasks: [],
    seenEventIds: [],
    deadlines: {},
  };
}

/**
 * Records an event id in a bounded memory of them (a verification's, a
 * monitor's); false when it was seen before (the caller then does nothing).
 */
export function firstSighting(
  state: { seenEventIds: string[] },
  eventId: string,
  limit = SEEN_EVENT_IDS_LIMIT,
): boolean {
  if (state.seenEventIds.includes(eventId)) return false;
  state.seenEventIds.push(eventId);
  if (state.seenEventIds.length > limit) state.seenEventIds.shift();
  return true;
}

const connected = (account: AccountView) => account.status === 'CONNECTED' || account.status === 'UPLOADED';

export const isConnected = (state: State) => state.accounts.some(connected) || (state.pendingInvites ?? 0) > 0;

/**
 * The sync this stage waits for: a finished task for a source connected in the
 * current epoch. Only a sync of one of the run's connected accounts counts
 * (another account's continuous sync does not).
 */
export function currentSync(state: State): State['finishedTasks'][number] | undefined {
  const ours = (task: State['finishedTasks'][number]) =>
    state.accounts.some((a) => a.accountId === task.accountId && connected(a));
  return state.finishedTasks.filter((task) => task.epoch === state.connectionEpoch && ours(task)).at(-1);
}

/** An upload (a Smile archive) rather than a linked account. */
export const isUpload = (account: { sourceType?: string }) =>
  account.sourceType === 'ARCHIVE' || account.sourceType === 'UPLOAD';

/** The accounts a decision judges: connected, or confirmed connected, in this run and still connected. */
export function runAccounts(state: State): RunAccount[] {
  return state.accounts.filter(connected).map((a) => ({
    accountId: a.accountId,
    providerId: a.providerId,
    ...(a.sourceType ? { sourceType: a.sourceType } : {}),
    ...(a.connectedAt ? { connectedAt: a.connectedAt } : {}),
    ...(a.sync?.status === 'SUCCEEDED' ? { lastSyncAt: a.sync.finishedAt } : {}),
  }));
}

export function statusDocument(
  state: State,
  input: VerificationInput,
  verificationId: string,
  runId: string,
): StatusDocument {
  return {
    verificationId,
    runId,
    externalUserId: input.externalUserId,
    smileUserId: state.smileUserId ?? null,
    status: state.status,
    stage: state.stage,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    accounts: state.accounts.map((a) => ({ ...a })),
    datapoints: { ...state.datapoints },
    ...(state.kyc ? { kyc: { ...state.kyc } } : {}),
    ...(state.decision ? { decision: state.decision } : {}),
    ...(state.monitoring ? { monitoring: { ...state.monitoring } } : {}),
    ...(state.review ? { review: { ...state.review } } : {}),
    ...(state.callback ? { callback: { ...state.callback } } : {}),
    ...(state.failure ? { failure: { ...state.failure } } : {}),
    ...(input.partnerParams ? { partnerParams: input.partnerParams } : {}),
    ...(state.invite ? { invite: { ...state.invite } } : {}),
    ...(state.accounts.some(isUpload)
      ? {
          documents: state.accounts.filter(isUpload).map((a) => ({ archiveId: a.accountId, status: a.status })),
        }
      : {}),
    ...(state.widget ? { widget: { lastScreen: state.widget.lastScreen, screens: [...state.widget.screens] } } : {}),
  };
}
