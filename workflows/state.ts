import type { Datapoint, DatapointState, LinkToken, StatusDocument } from './types.js';
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

export const isConnected = (state: State) =>
  state.accounts.some((a) => a.status === 'CONNECTED' || a.status === 'UPLOADED');

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
