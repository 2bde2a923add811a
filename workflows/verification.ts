import {
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { durationMs } from './duration.js';
import { linkTokenUpdate, statusQuery, type LinkTokenReply } from './messages.js';
import { SmileUserIdKey, VerificationStatusKey } from './search-attributes.js';
import { CLOSED_STATUSES, type LinkToken, type StatusDocument, type VerificationInput, type VerificationStatus } from './types.js';

const smile = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const store = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** Everything the workflow knows; the status document is derived from it. */
interface State {
  input: VerificationInput;
  status: VerificationStatus;
  smileUserId?: string;
  link?: LinkToken;
  createdAt: string;
  updatedAt: string;
  accountConnected: boolean;
}

export async function verificationWorkflow(input: VerificationInput): Promise<StatusDocument> {
  const now = new Date().toISOString(); // workflow time: deterministic on replay
  const state: State = { input, status: 'AWAITING_CONNECTION', createdAt: now, updatedAt: now, accountConnected: false };

  setHandler(statusQuery, () => statusDocument(state));
  setHandler(
    linkTokenUpdate,
    async ({ requestId }): Promise<LinkTokenReply> => {
      await condition(() => state.link !== undefined);
      await refreshTokenIfDue(state);
      const { link, smileUserId } = state as Required<Pick<State, 'link' | 'smileUserId'>>;
      return { ...link, smileUserId, status: state.status, startedByRequest: requestId === input.requestId };
    },
    { validator: ({ requestId }) => rejectWhenClosed(state, requestId) },
  );

  await issueToken(state);
  const connected = await awaitConnection(state);
  if (!connected) return close(state, 'EXPIRED');
  return statusDocument(state);
}

/** Creates (or, for a returning user, re-tokens) the Smile user and records the run. */
async function issueToken(state: State): Promise<void> {
  const issued = await smile.issueLinkToken({ externalUserId: state.input.externalUserId });
  state.smileUserId = issued.smileUserId;
  state.link = issued.link;
  upsertSearchAttributes([
    { key: SmileUserIdKey, value: issued.smileUserId },
    { key: VerificationStatusKey, value: state.status },
  ]);
  await record(state);
}

/** Waits for an account to connect, up to `policy.connectTimeout`. */
async function awaitConnection(state: State): Promise<boolean> {
  return condition(() => state.accountConnected, durationMs(state.input.policy.connectTimeout));
}

async function refreshTokenIfDue(state: State): Promise<void> {
  const margin = durationMs(state.input.policy.tokenRefreshMargin);
  if (!state.link || !state.smileUserId) return;
  if (Date.parse(state.link.expiresAt) - Date.now() > margin) return;
  state.link = await smile.refreshLinkToken({ smileUserId: state.smileUserId });
}

async function close(state: State, status: VerificationStatus): Promise<StatusDocument> {
  await setStatus(state, status);
  return statusDocument(state);
}

async function setStatus(state: State, status: VerificationStatus): Promise<void> {
  state.status = status;
  state.updatedAt = new Date().toISOString();
  upsertSearchAttributes([{ key: VerificationStatusKey, value: status }]);
  await record(state);
}

function record(state: State): Promise<void> {
  const { firstExecutionRunId } = workflowInfo();
  return store.recordVerification({ runId: firstExecutionRunId, requestId: state.input.requestId, document: statusDocument(state) });
}

/** An update validator runs before the update is written to history: rejecting here leaves no trace. */
function rejectWhenClosed(state: State, requestId: string): void {
  if (typeof requestId !== 'string' || requestId.length === 0) throw new TypeError('requestId is required');
  if (CLOSED_STATUSES.includes(state.status)) throw new Error(`verification is ${state.status}`);
}

function statusDocument(state: State): StatusDocument {
  const { input } = state;
  return {
    verificationId: workflowInfo().workflowId,
    externalUserId: input.externalUserId,
    smileUserId: state.smileUserId ?? null,
    status: state.status,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    accounts: [],
    datapoints: { identity: 'PENDING', employments: 'PENDING', contributions: 'PENDING', incomes: 'PENDING' },
    ...(input.partnerParams ? { partnerParams: input.partnerParams } : {}),
  };
}
