import { ActivityFailure } from '@temporalio/workflow';
import { smile, smileCheck } from '../proxies.js';
import { nextConnectionCheck } from '../connection-checks.js';
import { durationMs } from '../duration.js';
import { SmileUserIdKey } from '../search-attributes.js';
import { applyListedAccount, applySmileEvent } from '../apply.js';
import { currentSync, isConnected } from '../state.js';
import type { Ctx } from '../context.js';
import { enter, showDetails, upsertWithNextStatus } from '../status.js';
import type { InviteView, LinkToken } from '../types.js';
import { waitFor } from '../wait.js';

// From the start to synced data: the Smile user and its link token, a connected account, its first sync.

export async function issueToken(ctx: Ctx): Promise<void> {
  const { externalUserId, requestId } = ctx.input;
  // With `invite`, Smile invites the applicant and the invite's Smile user is the run's.
  const issued: { smileUserId: string; link: LinkToken; invite?: InviteView; newSmileUser?: true } = ctx.input.invite
    ? await smile().issueInviteLinkToken.executeWithOptions(
        { summary: 'invite the applicant through Smile, and a link token for the invited user' },
        [{ externalUserId, requestId }],
      )
    : await smile().issueLinkToken.executeWithOptions({ summary: 'create the Smile user and link token' }, [
        { externalUserId },
      ]);
  if (issued.invite) ctx.state.invite = issued.invite;
  ctx.state.smileUserId = issued.smileUserId;
  if (issued.newSmileUser) ctx.state.newSmileUser = true;
  // Events that came while the Smile user was being created count now.
  for (const event of ctx.earlyEvents?.splice(0) ?? []) applySmileEvent(ctx.state, event);
  upsertWithNextStatus(ctx, { key: SmileUserIdKey, value: issued.smileUserId });
  ctx.state.deadlines.connect = Date.now() + durationMs(ctx.input.policy.connectTimeout);
  await enter(ctx, 'awaitConnection', 'AWAITING_CONNECTION');
  // Only now may the linkToken update answer: the API's next GET must find the stored row.
  ctx.state.link = issued.link;
}

export type ConnectionOutcome = 'connected' | 'expired' | 'failed';

export async function awaitConnection(ctx: Ctx): Promise<ConnectionOutcome> {
  const { state, input } = ctx;
  await enter(ctx, 'awaitConnection', 'AWAITING_CONNECTION');
  const tooManyFailures = () => state.failures >= input.policy.maxConnectAttempts;
  const interval = durationMs(input.policy.connectionCheckInterval);
  const confirmWanted = () => ctx.confirmConnection === true && !isConnected(state);
  state.deadlines.connect ??= Date.now() + durationMs(input.policy.connectTimeout);
  // Checks back off from when this wait began (kept across continue-as-new in the connect deadline).
  const deadline = state.deadlines.connect;
  const since = deadline - durationMs(input.policy.connectTimeout);
  const schedule = (after: number) => nextConnectionCheck({ since, intervalMs: interval, deadline, after });
  let nextCheck = schedule(Date.now());
  for (;;) {
    const until = Math.min(nextCheck, deadline);
    if (await waitFor(ctx, () => isConnected(state) || tooManyFailures() || confirmWanted(), until)) {
      if (!confirmWanted()) break;
      ctx.confirmConnection = false;
      await confirmConnection(ctx, true, "confirm the widget's connected account with Smile");
      continue;
    }
    const now = Date.now();
    if (now >= nextCheck || now >= deadline) {
      // A lost ACCOUNT_CONNECTED never expires a connected user: Smile's account list decides, and once more at the end.
      await confirmConnection(ctx, true, 'ask Smile whether an account connected');
      nextCheck = schedule(Date.now());
      if (isConnected(state)) break;
    }
    if (now >= deadline) return 'expired';
  }
  return isConnected(state) ? 'connected' : 'failed';
}

/**
 * No ACCOUNT_CONNECTED arrived (late, or lost while the API was down): Smile's
 * account list decides, but only for accounts Smile created since this run
 * started (admission.ts): an earlier run's account, still connected at Smile,
 * never becomes a connection of this run. A widget hint only brings this check forward.
 * With `tolerant`, a check Smile could not answer leaves the wait going on.
 */
async function confirmConnection(ctx: Ctx, tolerant: boolean, summary: string): Promise<void> {
  const { state } = ctx;
  let accounts: { accountId: string; providerId: string; createdAt: string | null }[];
  try {
    const proxy = tolerant ? smileCheck() : smile();
    accounts = await proxy.connectedAccounts.executeWithOptions({ summary }, [{ smileUserId: state.smileUserId! }]);
  } catch (error) {
    if (tolerant && error instanceof ActivityFailure) return;
    throw error;
  }
  for (const account of accounts) applyListedAccount(state, account);
  showDetails(ctx);
}

export type SyncOutcome = 'synced' | 'timedOut' | 'disconnected';

export async function awaitSync(ctx: Ctx): Promise<SyncOutcome> {
  const { state, input } = ctx;
  const epoch = state.connectionEpoch;
  await enter(ctx, 'awaitSync', 'AWAITING_DATA');
  state.deadlines.data ??= Date.now() + durationMs(input.policy.dataTimeout);
  const disconnected = () => state.connectionEpoch !== epoch && !isConnected(state);
  for (;;) {
    if (await waitFor(ctx, () => currentSync(state) !== undefined || disconnected(), state.deadlines.data)) break;
    if (Date.now() >= state.deadlines.data) return 'timedOut';
  }
  if (disconnected()) {
    state.deadlines = { connect: Date.now() + durationMs(input.policy.connectTimeout) };
    return 'disconnected';
  }
  return 'synced';
}
