import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import { smile } from '../proxies.js';
import { durationMs } from '../duration.js';
import type { Ctx } from '../context.js';

// The link token after the first: refreshed for the linkToken update, and for onTokenExpired from the main flow.

/** onTokenExpired refreshes the token at most this often: the widget is a browser, and a loop there must not reach Smile. */
const REQUESTED_REFRESH_INTERVAL_MS = 60_000;

/** Refreshes the link token when due (or when forced); concurrent callers share one refresh. */
export async function refreshToken(ctx: Ctx, force = false): Promise<void> {
  const { state } = ctx;
  if (!state.link || !state.smileUserId) return;
  const due = Date.parse(state.link.expiresAt) - Date.now() <= durationMs(ctx.input.policy.tokenRefreshMargin);
  if (!force && !due) return;
  ctx.refreshing ??= smile()
    .refreshLinkToken.executeWithOptions({ summary: 'refresh the link token' }, [{ smileUserId: state.smileUserId }])
    .then((link) => void (state.link = link))
    .finally(() => (ctx.refreshing = undefined));
  await ctx.refreshing;
}

/** When a recorded onTokenExpired may be served: a minute after the last one was. */
export const refreshAllowedAt = (ctx: Ctx): number =>
  (ctx.lastRequestedRefreshAt ?? -Infinity) + REQUESTED_REFRESH_INTERVAL_MS;

export const refreshDue = (ctx: Ctx): boolean => ctx.refreshRequested === true && Date.now() >= refreshAllowedAt(ctx);

/**
 * The refresh onTokenExpired asked for, from the main flow: a refresh Smile
 * refuses (or cannot give during an outage) is logged and the verification goes
 * on; the next linkToken update or onTokenExpired tries again.
 */
export async function serveRefreshRequest(ctx: Ctx): Promise<void> {
  ctx.refreshRequested = false;
  ctx.lastRequestedRefreshAt = Date.now();
  try {
    await refreshToken(ctx, true);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const type = error.cause instanceof ApplicationFailure ? error.cause.type : error.cause?.name;
    log.warn('the link token could not be refreshed; the verification goes on', { failure: type });
  }
}
