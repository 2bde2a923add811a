import type { KycStatus } from './types.js';

/** Smile ID's published result codes: which approve a job, which reject it. */
const APPROVED = new Set(['1012', '1020', '1021']);
const REJECTED = new Set(['1013', '1022', '1023']);

export function kycStatusOf(resultCode: string): Extract<KycStatus, 'APPROVED' | 'REJECTED'> | undefined {
  if (APPROVED.has(resultCode)) return 'APPROVED';
  if (REJECTED.has(resultCode)) return 'REJECTED';
  return undefined;
}
