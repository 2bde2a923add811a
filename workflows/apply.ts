import { admit, receivedBeforeRun, type AdmissionPath } from './admission.js';
import type { SmileEventRef, WidgetEventRef } from './messages.js';
import { firstSighting, WIDGET_SCREENS_LIMIT, type State } from './state.js';
import { DATAPOINT_OF_EVENT, datapointNamed } from '../smile/kinds.js';
import type { AccountView } from './types.js';

/** How each message changes the state: pure functions (no Temporal API), unit-tested directly. */

export function upsertAccount(state: State, account: AccountView): void {
  const existing = state.accounts.find((a) => a.accountId === account.accountId);
  if (existing) Object.assign(existing, account);
  else state.accounts.push(account);
}

/**
 * Whether the run took this account as its own: connected, uploaded or created at or after its
 * start. One known only from a failed attempt in the run is not: an earlier run's account that
 * fails to re-sync is a failed attempt of this run, never one of its accounts.
 */
const taken = (account: AccountView | undefined): boolean =>
  account !== undefined && (account.connectedAt !== undefined || account.status === 'CREATED');

/**
 * Applies one Smile webhook (by reference) to the state. Events for another
 * Smile user and events seen before are ignored; unknown types change nothing.
 * Returns whether the event changed anything.
 * - Every connection, upload and failed attempt is admitted on its own (admission.ts), even for
 *   an account the run already knows; a disconnect or a datapoint counts only for the run's.
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
  // An event the inbox received before the run started belongs to none of its accounts.
  if (receivedBeforeRun(state.createdAt, event.receivedAt)) return false;
  if (!firstSighting(state, event.eventId)) return false;
  const existing = state.accounts.find((a) => a.accountId === event.accountId);
  const account = (fields: Partial<AccountView> & { status: string }) =>
    event.accountId &&
    upsertAccount(state, { accountId: event.accountId, providerId: event.providerId ?? 'unknown', ...fields });
  const connectedAt = existing?.connectedAt ?? event.createdAt;
  // The run's accounts and attempts are only those Smile made at or after the run started.
  const admitted = (via: AdmissionPath = 'webhook') =>
    admit(state.createdAt, { createdAt: event.createdAt, receivedAt: event.receivedAt, via }).admitted;
  const ours = taken(existing);

  switch (event.type) {
    case 'ACCOUNT_CREATED':
      if (!admitted()) return false;
      if (!existing) account({ status: 'CREATED' });
      return true;
    case 'INVITE_INVITED':
      // Smile sent the invite: the status it was created with.
      return state.invite !== undefined;
    case 'ACCOUNT_CONNECTED':
    case 'INVITE_LINKED':
      if (!admitted(event.type === 'INVITE_LINKED' ? 'invite' : 'webhook')) return false;
      if (event.type === 'INVITE_LINKED' && state.invite) state.invite.status = 'LINKED';
      if (!event.accountId) state.pendingInvites = (state.pendingInvites ?? 0) + 1;
      else account({ status: 'CONNECTED', connectedAt, sourceType: existing?.sourceType ?? 'ACCOUNT' });
      return true;
    case 'ACCOUNT_FAILED':
    case 'ARCHIVE_FAILED':
      // A failed attempt before the run started is not an attempt of this run.
      if (!admitted(event.type === 'ARCHIVE_FAILED' ? 'upload' : 'webhook')) return false;
      account({ status: 'FAILED', errorCode: event.errorCode ?? 'UNKNOWN' });
      state.failures += 1;
      return true;
    case 'ACCOUNT_DISCONNECTED':
    case 'ARCHIVE_REVOKED':
      if (!ours) return false; // a disconnect of an account outside the run changes nothing
      account({ status: 'DISCONNECTED' });
      if (!state.decision) state.connectionEpoch += 1;
      return true;
    case 'ARCHIVE_ANALYZED':
      if (!admitted('upload')) return false;
      account({ status: 'UPLOADED', connectedAt, sourceType: existing?.sourceType ?? 'ARCHIVE' });
      return true;
    case 'TASK_FINISHED':
    case 'ACCOUNT_SYNC_TASK_FINISHED':
      return applyFinishedTask(state, event);
    default: {
      const datapoint = DATAPOINT_OF_EVENT[event.type];
      if (datapoint && ours) state.datapoints[datapoint] = 'RECEIVED';
      return datapoint !== undefined && ours;
    }
  }
}

/**
 * An account Smile's account list shows connected: it joins the run only when
 * its own `createdAt` (Smile's, never the time of the check) is at or after the
 * run's start; an account of the run that was disconnected and shows connected
 * again is connected again. Returns whether anything changed.
 */
export function applyListedAccount(
  state: State,
  listed: { accountId: string; providerId: string; createdAt: string | null },
): boolean {
  const existing = state.accounts.find((a) => a.accountId === listed.accountId);
  if (existing?.status === 'CONNECTED') return false;
  const claim = { createdAt: listed.createdAt, via: 'account-list' as const, newSmileUser: state.newSmileUser };
  if (!taken(existing) && !admit(state.createdAt, claim).admitted) return false;
  upsertAccount(state, {
    accountId: listed.accountId,
    providerId: existing?.providerId ?? listed.providerId,
    status: 'CONNECTED',
    connectedAt: existing?.connectedAt ?? listed.createdAt!,
    sourceType: existing?.sourceType ?? 'ACCOUNT',
  });
  return true;
}

function applyFinishedTask(state: State, event: SmileEventRef): boolean {
  const failed = event.status === 'FAILED';
  const known = state.accounts.find((a) => a.accountId === event.accountId);
  const named =
    !known && !failed && event.accountId && event.type === 'TASK_FINISHED' && (state.pendingInvites ?? 0) > 0;
  if (
    named &&
    admit(state.createdAt, { createdAt: event.createdAt, receivedAt: event.receivedAt, via: 'invite' }).admitted
  ) {
    // The account an invitation linked, named by its first sync.
    state.pendingInvites! -= 1;
    upsertAccount(state, {
      accountId: event.accountId!,
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
  if (failed) return account !== undefined;
  // Kept even before its account is the run's (events come reordered); `currentSync` counts only the run's.
  if (account) for (const datapoint of event.datapoints ?? []) markReceived(state, datapoint);
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
  const match = datapointNamed(datapoint);
  if (match) state.datapoints[match] = 'RECEIVED';
}

/** Widget callbacks are hints: they move the visible stage, never the decision. */
export function applyWidgetEvent(state: State, event: WidgetEventRef): void {
  state.widgetHint = event.callback === 'onUIEvent' ? `onUIEvent:${event.eventName ?? ''}` : event.callback;
  if (event.callback === 'onUIEvent' && event.eventName) recordScreen(state, event.eventName, event.receivedAt);
}

/**
 * Where the user is in the widget: each onUIEvent screen's name and when it was
 * shown (names and times only), the newest WIDGET_SCREENS_LIMIT kept, so a lender
 * sees where a user stopped.
 */
export function recordScreen(state: State, name: string, at: string): void {
  const screens = [...(state.widget?.screens ?? []), { name, at }].slice(-WIDGET_SCREENS_LIMIT);
  state.widget = { lastScreen: name, screens };
}
