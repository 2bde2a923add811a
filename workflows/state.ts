import type { SmileEventRef, WidgetEventRef } from './messages.js';
import { DATAPOINTS, type Datapoint, type DatapointState, type LinkToken, type StatusDocument } from './types.js';
import type {
  AccountView,
  CallbackResult,
  Decision,
  KycResult,
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
  callback?: CallbackResult;
  failure?: { code: string; message: string };
  /** Absolute deadlines (epoch ms), so they survive continue-as-new. */
  deadlines: { connect?: number; data?: number };
}

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

/** Records an event id; false when it was seen before (the caller then does nothing). */
export function firstSighting(state: State, eventId: string): boolean {
  if (state.seenEventIds.includes(eventId)) return false;
  state.seenEventIds.push(eventId);
  if (state.seenEventIds.length > SEEN_EVENT_IDS_LIMIT) state.seenEventIds.shift();
  return true;
}

/** The datapoint events of the spec's RefWebhookEventType (the inbox normalises the seed's singular spellings). */
const ADDED_EVENT_DATAPOINT: Record<string, Datapoint> = {
  IDENTITY_ADDED: 'identity',
  EMPLOYMENTS_ADDED: 'employments',
  EMPLOYMENTS_UPDATED: 'employments',
  CONTRIBUTIONS_ADDED: 'contributions',
  CONTRIBUTIONS_UPDATED: 'contributions',
  INCOMES_ADDED: 'incomes',
  INCOMES_UPDATED: 'incomes',
  EINCOMES_ADDED: 'incomes',
  EINCOMES_UPDATED: 'incomes',
};

function upsertAccount(state: State, account: AccountView): void {
  const existing = state.accounts.find((a) => a.accountId === account.accountId);
  if (existing) Object.assign(existing, account);
  else state.accounts.push(account);
}

export const isConnected = (state: State) =>
  state.accounts.some((a) => a.status === 'CONNECTED' || a.status === 'UPLOADED');

/**
 * Applies one Smile webhook (by reference) to the state. Events for another
 * Smile user are ignored; unknown types change nothing. Returns whether the
 * event changed anything.
 */
export function applySmileEvent(state: State, event: SmileEventRef): boolean {
  if (event.smileUserId !== state.smileUserId) return false;
  if (!firstSighting(state, event.eventId)) return false;
  const account = (status: string, errorCode?: string) =>
    event.accountId &&
    upsertAccount(state, {
      accountId: event.accountId,
      providerId: event.providerId ?? 'unknown',
      status,
      ...(errorCode ? { errorCode } : {}),
    });

  switch (event.type) {
    case 'ACCOUNT_CREATED':
      if (!state.accounts.some((a) => a.accountId === event.accountId)) account('CREATED');
      return true;
    case 'ACCOUNT_CONNECTED':
    case 'INVITE_LINKED':
      account('CONNECTED');
      return true;
    case 'ACCOUNT_FAILED':
      account('FAILED', event.errorCode ?? 'UNKNOWN');
      state.failures += 1;
      return true;
    case 'ACCOUNT_DISCONNECTED':
      account('DISCONNECTED');
      if (!state.decision) state.connectionEpoch += 1;
      return true;
    case 'ARCHIVE_ANALYZED':
      account('UPLOADED');
      return true;
    case 'TASK_FINISHED':
    case 'ACCOUNT_SYNC_TASK_FINISHED':
      for (const datapoint of event.datapoints ?? []) markReceived(state, datapoint);
      state.finishedTasks.push({
        eventId: event.eventId,
        accountId: event.accountId,
        hasPayload: event.hasPayload,
        epoch: state.connectionEpoch,
      });
      if (state.finishedTasks.length > 20) state.finishedTasks.shift();
      return true;
    default: {
      const datapoint = ADDED_EVENT_DATAPOINT[event.type];
      if (datapoint) state.datapoints[datapoint] = 'RECEIVED';
      return datapoint !== undefined;
    }
  }
}

function markReceived(state: State, datapoint: string): void {
  const normalised = datapoint.toLowerCase();
  const match = DATAPOINTS.find((d) => d === normalised || (d === 'identity' && normalised === 'identities'));
  if (match) state.datapoints[match] = 'RECEIVED';
}

/** Widget callbacks are hints: they move the visible stage, never the decision. */
export function applyWidgetEvent(state: State, event: WidgetEventRef): void {
  state.widgetHint = event.callback === 'onUIEvent' ? `onUIEvent:${event.eventName ?? ''}` : event.callback;
}

/** The sync this stage waits for: a finished task for a source connected in the current epoch. */
export function currentSync(state: State): State['finishedTasks'][number] | undefined {
  return state.finishedTasks.filter((task) => task.epoch === state.connectionEpoch).at(-1);
}

export function statusDocument(state: State, input: VerificationInput, verificationId: string): StatusDocument {
  return {
    verificationId,
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
    ...(state.callback ? { callback: { ...state.callback } } : {}),
    ...(state.failure ? { failure: { ...state.failure } } : {}),
    ...(input.partnerParams ? { partnerParams: input.partnerParams } : {}),
  };
}
