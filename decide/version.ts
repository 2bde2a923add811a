/**
 * The decision engine's version, stored with every decision and hashed with its
 * inputs: the same inputs under the same version always give the same decision.
 * Change it whenever a rule's logic changes, so an auditor re-running stored
 * inputs knows which engine judged them.
 */
export const ENGINE_VERSION = '3.0.0';

/** The rules whose failure declines; every other failure, and any rule that cannot be judged, sends to review. */
export const HARD_RULES: ReadonlySet<string> = new Set(['NAME_MISMATCH', 'NO_CURRENT_EMPLOYMENT', 'KYC_FAILED']);
