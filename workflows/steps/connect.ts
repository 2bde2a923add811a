import { shortHistories, smile } from '../activities.js';
import { durationMs } from '../duration.js';
import { SmileUserIdKey } from '../search-attributes.js';
import { applySmileEvent } from '../apply.js';
import { currentSync, isConnected } from '../state.js';
import { enter, upsertWithNextStatus, type Ctx } from '../status.js';
import { waitFor } from '../wait.js';

// From the start to synced data: the Smile user and its link token, a connected account, its first sync.

export async function issueToken(ctx: Ctx): Promise<void> {
  const issued = await smile.issueLinkToken.executeWithOptions({ summary: 'create the Smile user and link token' }, [
    { externalUserId: ctx.input.externalUserId },
  ]);
  ctx.state.smileUserId = issued.smileUserId;
  upsertWithNextStatus(ctx, { key: SmileUserIdKey, value: issued.smileUserId });
  ctx.state.deadlines.connect = Date.now() + durationMs(ctx.input.policy.connectTimeout);
  await enter(ctx, 'awaitConnection', 'AWAITING_CONNECTION');
  // Only now may the linkToken update answer: the API's next GET must find the stored row.
  ctx.state.link = issued.link;
}

/** Refreshes the link token when due (or when forced); concurrent callers share one refresh. */
export async function refreshToken(ctx: Ctx, force = false): Promise<void> {
  const { state } = ctx;
  if (!state.link || !state.smileUserId) return;
  const due = Date.parse(state.link.expiresAt) - Date.now() <= durationMs(ctx.input.policy.tokenRefreshMargin);
  if (!force && !due) return;
  ctx.refreshing ??= smile.refreshLinkToken
    .executeWithOptions({ summary: 'refresh the link token' }, [{ smileUserId: state.smileUserId }])
    .then((link) => void (state.link = link))
    .finally(() => (ctx.refreshing = undefined));
  await ctx.refreshing;
}

export type ConnectionOutcome = 'connected' | 'expired' | 'failed';

export async function awaitConnection(ctx: Ctx): Promise<ConnectionOutcome> {
  const { state, input } = ctx;
  await enter(ctx, 'awaitConnection', 'AWAITING_CONNECTION');
  const tooManyFailures = () => state.failures >= input.policy.maxConnectAttempts;
  // Runs without short histories never ask Smile; they replay as they were recorded.
  const confirms = shortHistories();
  const confirmWanted = () => confirms && ctx.confirmConnection === true && !isConnected(state);
  state.deadlines.connect ??= Date.now() + durationMs(input.policy.connectTimeout);
  for (;;) {
    if (await waitFor(ctx, () => isConnected(state) || tooManyFailures() || confirmWanted(), state.deadlines.connect)) {
      if (!confirmWanted()) break;
      await confirmConnection(ctx);
      continue;
    }
    if (Date.now() >= state.deadlines.connect) return 'expired';
  }
  return isConnected(state) ? 'connected' : 'failed';
}

/**
 * The widget reported a connected account but no ACCOUNT_CONNECTED arrived (late,
 * or lost while the API was down): Smile's account list decides. A connected
 * account counts as that webhook would have.
 */
async function confirmConnection(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  ctx.confirmConnection = false;
  const accounts = await smile.connectedAccounts.executeWithOptions(
    { summary: "confirm the widget's connected account with Smile" },
    [{ smileUserId: state.smileUserId! }],
  );
  for (const { accountId, providerId } of accounts) {
    applySmileEvent(state, {
      eventId: `confirmed-${accountId}-${state.connectionEpoch}`,
      type: 'ACCOUNT_CONNECTED',
      smileUserId: state.smileUserId!,
      accountId,
      providerId,
      hasPayload: false,
      createdAt: new Date().toISOString(),
    });
  }
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
