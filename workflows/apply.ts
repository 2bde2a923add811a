import type { SmileEventRef, WidgetEventRef } from './messages.js';
import { firstSighting, type State } from './state.js';
import { DATAPOINTS, type AccountView, type Datapoint } from './types.js';

/** How each message changes the state: pure functions (no Temporal API), unit-tested directly. */

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

export function upsertAccount(state: State, account: AccountView): void {
  const existing = state.accounts.find((a) => a.accountId === account.accountId);
  if (existing) Object.assign(existing, account);
  else state.accounts.push(account);
}

/**
 * Applies one Smile webhook (by reference) to the state. Events for another
 * Smile user and events seen before are ignored; unknown types change nothing.
 * Returns whether the event changed anything.
 * - A TASK_FINISHED with `status: FAILED` is not data: the account's sync is
 *   marked failed and the run keeps waiting (the user may reconnect) until
 *   `dataTimeout`.
 * - INVITE_LINKED connects even without an account id; the next sync of an
 *   unknown source names the account.
 * - ARCHIVE_FAILED counts as a failed attempt, ARCHIVE_REVOKED as a disconnect.
 * - A sync counts for the run only once its account is one of the run's (see
 *   `currentSync`), so another account's continuous sync never ends the wait.
 */
export function applySmileEvent(state: State, event: SmileEventRef): boolean {
  if (event.smileUserId !== state.smileUserId) return false;
  if (!firstSighting(state, event.eventId)) return false;
  const existing = state.accounts.find((a) => a.accountId === event.accountId);
  const account = (fields: Partial<AccountView> & { status: string }) =>
    event.accountId &&
    upsertAccount(state, { accountId: event.accountId, providerId: event.providerId ?? 'unknown', ...fields });
  const connectedAt = existing?.connectedAt ?? event.createdAt;

  switch (event.type) {
    case 'ACCOUNT_CREATED':
      if (!existing) account({ status: 'CREATED' });
      return true;
    case 'ACCOUNT_CONNECTED':
    case 'INVITE_LINKED':
      if (!event.accountId) state.pendingInvites = (state.pendingInvites ?? 0) + 1;
      else account({ status: 'CONNECTED', connectedAt, sourceType: existing?.sourceType ?? 'ACCOUNT' });
      return true;
    case 'ACCOUNT_FAILED':
    case 'ARCHIVE_FAILED':
      account({ status: 'FAILED', errorCode: event.errorCode ?? 'UNKNOWN' });
      state.failures += 1;
      return true;
    case 'ACCOUNT_DISCONNECTED':
    case 'ARCHIVE_REVOKED':
      account({ status: 'DISCONNECTED' });
      if (!state.decision) state.connectionEpoch += 1;
      return true;
    case 'ARCHIVE_ANALYZED':
      account({ status: 'UPLOADED', connectedAt, sourceType: existing?.sourceType ?? 'ARCHIVE' });
      return true;
    case 'TASK_FINISHED':
    case 'ACCOUNT_SYNC_TASK_FINISHED':
      return applyFinishedTask(state, event);
    default: {
      const datapoint = ADDED_EVENT_DATAPOINT[event.type];
      if (datapoint) state.datapoints[datapoint] = 'RECEIVED';
      return datapoint !== undefined;
    }
  }
}

function applyFinishedTask(state: State, event: SmileEventRef): boolean {
  const failed = event.status === 'FAILED';
  const known = state.accounts.find((a) => a.accountId === event.accountId);
  if (!known && !failed && event.accountId && event.type === 'TASK_FINISHED' && (state.pendingInvites ?? 0) > 0) {
    // The account an invitation linked, named by its first sync.
    state.pendingInvites! -= 1;
    upsertAccount(state, {
      accountId: event.accountId,
      providerId: event.providerId ?? 'unknown',
      status: 'CONNECTED',
      sourceType: event.sourceType ?? 'ACCOUNT',
      connectedAt: event.createdAt,
    });
  }
  const account = state.accounts.find((a) => a.accountId === event.accountId);
  if (account) {
    account.sync = { status: failed ? 'FAILED' : 'SUCCEEDED', finishedAt: event.createdAt };
    if (event.sourceType) account.sourceType = event.sourceType;
  }
  if (failed) return true;
  for (const datapoint of event.datapoints ?? []) markReceived(state, datapoint);
  state.finishedTasks.push({
    eventId: event.eventId,
    accountId: event.accountId,
    hasPayload: event.hasPayload,
    epoch: state.connectionEpoch,
  });
  if (state.finishedTasks.length > 20) state.finishedTasks.shift();
  return true;
}

export function markReceived(state: State, datapoint: string): void {
  const normalised = datapoint.toLowerCase();
  const match = DATAPOINTS.find((d) => d === normalised || (d === 'identity' && normalised === 'identities'));
  if (match) state.datapoints[match] = 'RECEIVED';
}

/** Widget callbacks are hints: they move the visible stage, never the decision. */
export function applyWidgetEvent(state: State, event: WidgetEventRef): void {
  state.widgetHint = event.callback === 'onUIEvent' ? `onUIEvent:${event.eventName ?? ''}` : event.callback;
}
