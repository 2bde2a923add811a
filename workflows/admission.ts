/**
 * What a decision judges: one rule, in one place, for every way an account or
 * upload reaches a run (a signed webhook, the relay that delivers one late, the
 * account-list check, a widget hint, an invite, an upload, the monitor).
 *
 * An account (or upload) belongs to a run only if Smile created it at or after
 * the run started (see `earliest` for the second it started in), and it is still connected when the run decides (the second
 * half is `runAccounts` in state.ts: a disconnected account is never judged).
 * The proof of when Smile created it is
 * - for a signed webhook (delivered at once or by the relay): the time of its
 *   ACCOUNT_CREATED, ACCOUNT_CONNECTED, INVITE_LINKED or ARCHIVE_* event;
 * - for an account found by asking Smile (the account-list check): the
 *   account's own `createdAt` as Smile answers it (`GET /accounts`, `GET /accounts/{id}`).
 * A signed event the inbox received before the run started is never the run's
 * either, even when Smile dates it in the run's first second: an event still
 * waiting to be signalled when the next run starts is the earlier one's.
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
  /** When the inbox received the admitting event (webhook, relay, invite, upload), when the run knows it. */
  receivedAt?: string;
  /**
   * The run created the Smile user itself: no account of that user can predate the run, so
   * an account Smile lists as created in the second the run started is the run's too.
   */
  newSmileUser?: boolean;
}

export type Admission =
  | { admitted: true }
  | { admitted: false; reason: 'CREATED_BEFORE_RUN' | 'RECEIVED_BEFORE_RUN' | 'UNDATED' | 'HINT_ONLY' };

/**
 * Whether an account or upload belongs to the run that started at `runStartedAt`
 * (an ISO instant: the run's `createdAt`), judged from `claim` alone.
 */
export function admit(runStartedAt: string, claim: AdmissionClaim): Admission {
  if (claim.via === 'widget') return { admitted: false, reason: 'HINT_ONLY' };
  const created = typeof claim.createdAt === 'string' ? Date.parse(claim.createdAt) : Number.NaN;
  const start = Date.parse(runStartedAt);
  if (!Number.isFinite(created) || !Number.isFinite(start)) return { admitted: false, reason: 'UNDATED' };
  if (receivedBeforeRun(runStartedAt, claim.receivedAt)) return { admitted: false, reason: 'RECEIVED_BEFORE_RUN' };
  return created >= earliest(start, created, claim.newSmileUser ? 'webhook' : claim.via)
    ? { admitted: true }
    : { admitted: false, reason: 'CREATED_BEFORE_RUN' };
}

/**
 * Whether the inbox received an event before the run started: then it is none of the run's,
 * whatever it says (an unreadable time counts as before). Unknown (`undefined`) only for
 * references signalled before the inbox sent the time.
 */
export const receivedBeforeRun = (runStartedAt: string, receivedAt: string | undefined): boolean =>
  receivedAt !== undefined && !(Date.parse(receivedAt) >= Date.parse(runStartedAt));

/**
 * Smile writes its times to the second (`2026-12-03T06:13:18Z`), so within the
 * second the run started "before" and "after" cannot be told apart. A signed
 * event of that second is admitted: it was received after the run started (one
 * received before never is, above; the relay never delivers such an orphan). An account
 * found only by asking Smile is not: nothing else shows it came after the start.
 */
function earliest(start: number, created: number, via: AdmissionPath): number {
  if (created % 1_000 !== 0) return start;
  return via === 'account-list' ? Math.ceil(start / 1_000) * 1_000 : Math.floor(start / 1_000) * 1_000;
}

/** Whether an account is one of those a run admitted (the monitor judges exactly those, never another). */
export const ofRun = (accounts: readonly { accountId: string }[], accountId: string | undefined): boolean =>
  accountId !== undefined && accounts.some((a) => a.accountId === accountId);
