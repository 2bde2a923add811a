/** What the worker counts of each Smile request: how many are out, and how each ended. */
export interface SmileRequestObserver {
  /** The request got its turn and is being sent; `ended` follows. */
  sent(endpoint: string): void;
  /** `outcome`: `ok`, a Smile error code (`MISSING_RESOURCE`, `HTTP_502`), `timeout`, `unreachable`, `invalid_response`, or `no_slot` (never sent). */
  ended(endpoint: string, outcome: string, sent: boolean): void;
}

/** `DELETE /accounts/a-1/disableMonitor` → `DELETE /accounts/:id/disableMonitor`: a label of few values. */
export function endpointOf(method: string, path: string): string {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  return `${method} /${segments.map((segment, i) => (i === 1 ? ':id' : segment)).join('/')}`;
}

/** The outcome label of a failed request. */
export function outcomeOf(error: unknown): string {
  const failure = error as { type?: string; details?: { code?: string }[] };
  if (failure.type === 'SmileTimeout') return 'timeout';
  if (failure.type === 'SmileUnreachable') return 'unreachable';
  if (failure.type === 'SmileInvalidResponse') return 'invalid_response';
  if (failure.type === 'SmileRateLimited') return 'no_slot';
  return failure.details?.[0]?.code ?? 'aborted';
}

export const NO_OBSERVER: SmileRequestObserver = { sent: () => {}, ended: () => {} };
