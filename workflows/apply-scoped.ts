import { markReceived, upsertAccount } from './apply.js';
import type { SmileEventRef } from './messages.js';
import type { State } from './state.js';
import type { AccountView } from './types.js';

/**
 * The run-scoped reading of Smile's states (SPEC §6), for runs with
 * `runScopedDecisions()`. Answers undefined for the events it reads as the
 * unscoped rules do.
 * - A TASK_FINISHED with `status: FAILED` is not data: the account's sync is
 *   marked failed and the run keeps waiting (the user may reconnect) until
 *   `dataTimeout`.
 * - INVITE_LINKED connects even without an account id; the next sync of an
 *   unknown source names the account.
 * - ARCHIVE_FAILED counts as a failed attempt, ARCHIVE_REVOKED as a disconnect.
 * - A sync counts for the run only once its account is one of the run's (see
 *   `currentSync`), so another account's continuous sync never ends the wait.
 */
export function applyScopedEvent(state: State, event: SmileEventRef): boolean | undefined {
  const existing = state.accounts.find((a) => a.accountId === event.accountId);
  const account = (fields: Partial<AccountView> & { status: string }) =>
    event.accountId &&
    upsertAccount(state, { accountId: event.accountId, providerId: event.providerId ?? 'unknown', ...fields });
  const connectedAt = existing?.connectedAt ?? event.createdAt;

  switch (event.type) {
    case 'ACCOUNT_CONNECTED':
    case 'INVITE_LINKED':
      if (!event.accountId) state.pendingInvites = (state.pendingInvites ?? 0) + 1;
      else account({ status: 'CONNECTED', connectedAt, sourceType: existing?.sourceType ?? 'ACCOUNT' });
      return true;
    case 'ARCHIVE_ANALYZED':
      account({ status: 'UPLOADED', connectedAt, sourceType: existing?.sourceType ?? 'ARCHIVE' });
      return true;
    case 'ARCHIVE_FAILED':
      account({ status: 'FAILED', errorCode: event.errorCode ?? 'UNKNOWN' });
      state.failures += 1;
      return true;
    case 'ARCHIVE_REVOKED':
      account({ status: 'DISCONNECTED' });
      if (!state.decision) state.connectionEpoch += 1;
      return true;
    case 'TASK_FINISHED':
    case 'ACCOUNT_SYNC_TASK_FINISHED':
      return applyFinishedTask(state, event);
    default:
      return undefined;
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
