/**
 * What a decision judges: one rule, in one place, for every way an account or
 * upload reaches a run (a signed webhook, the relay that delivers one late, the
 * account-list check, a widget hint, an invite, an upload, the monitor).
 *
 * An account (or upload) belongs to a run only if Smile created it at or after
 * the run started (to the second, Smile's resolution), and it is still connected when the run decides (the second
 * half is `runAccounts` in state.ts: a disconnected account is never judged).
 * The proof of when Smile created it is
 * - for a signed webhook (delivered at once or by the relay): the time of its
 *   ACCOUNT_CREATED, ACCOUNT_CONNECTED, INVITE_LINKED or ARCHIVE_* event;
 * - for an account found by asking Smile (the account-list check): the
 *   account's own `createdAt` as Smile answers it (`GET /accounts`, `GET /accounts/{id}`).
 * A widget callback comes from a browser: it may make the run ask Smile, never
 * admit by itself. An account created before the run (an earlier run's, or one
 * linked while no run was open) never belongs to it, even while it is still
 * connected at Smile; an undated one is refused (fail closed).
 *
 * Pure (no Temporal API, no I/O): the workflow, its tests and the model test
 * call it directly.
 */

/** How an account or upload came to the run's notice. */
export const ADMISSION_PATHS = ['webhook', 'relay', 'account-list', 'widget', 'invite', 'upload', 'monitor'] as const;
export type AdmissionPath = (typeof ADMISSION_PATHS)[number];

export interface AdmissionClaim {
  /** When Smile created it: the admitting event's time (webhook, relay, invite, upload) or the account's `createdAt` (account list). */
  createdAt: string | null | undefined;
  via: AdmissionPath;
}

export type Admission =
  { admitted: true } | { admitted: false; reason: 'CREATED_BEFORE_RUN' | 'UNDATED' | 'HINT_ONLY' };

/**
 * Whether an account or upload belongs to the run that started at `runStartedAt`
 * (an ISO instant: the run's `createdAt`), judged from `claim` alone.
 */
export function admit(runStartedAt: string, claim: AdmissionClaim): Admission {
  if (claim.via === 'widget') return { admitted: false, reason: 'HINT_ONLY' };
  const created = typeof claim.createdAt === 'string' ? Date.parse(claim.createdAt) : Number.NaN;
  // Smile writes its times to the second (`2026-12-03T06:13:18Z`): the run's start is compared at that resolution,
  // so an account made in the second the run started belongs to it.
  const started = Math.floor(Date.parse(runStartedAt) / 1_000) * 1_000;
  if (!Number.isFinite(created) || !Number.isFinite(started)) return { admitted: false, reason: 'UNDATED' };
  return created >= started ? { admitted: true } : { admitted: false, reason: 'CREATED_BEFORE_RUN' };
}

/** Whether an account is one of those a run admitted (the monitor judges exactly those, never another). */
export const ofRun = (accounts: readonly { accountId: string }[], accountId: string | undefined): boolean =>
  accountId !== undefined && accounts.some((a) => a.accountId === accountId);
