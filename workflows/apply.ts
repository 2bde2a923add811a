import type { SmileEventRef, WidgetEventRef } from './messages.js';
import { applyScopedEvent } from './apply-scoped.js';
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
 * Smile user are ignored; unknown types change nothing. Returns whether the
 * event changed anything. `scoped` (from `runScopedDecisions()`, remembered in
 * the state) reads Smile's states as SPEC §6 does (apply-scoped.ts); without
 * it, events are read as runs recorded before it read them.
 */
export function applySmileEvent(state: State, event: SmileEventRef, scoped = false): boolean {
  if (event.smileUserId !== state.smileUserId) return false;
  if (!firstSighting(state, event.eventId)) return false;
  if (scoped) state.scoped = true;
  if (state.scoped) {
    const changed = applyScopedEvent(state, event);
    if (changed !== undefined) return changed;
  }
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

export function markReceived(state: State, datapoint: string): void {
  const normalised = datapoint.toLowerCase();
  const match = DATAPOINTS.find((d) => d === normalised || (d === 'identity' && normalised === 'identities'));
  if (match) state.datapoints[match] = 'RECEIVED';
}

/** Widget callbacks are hints: they move the visible stage, never the decision. */
export function applyWidgetEvent(state: State, event: WidgetEventRef): void {
  state.widgetHint = event.callback === 'onUIEvent' ? `onUIEvent:${event.eventName ?? ''}` : event.callback;
}
