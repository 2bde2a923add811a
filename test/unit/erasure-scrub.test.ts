import { describe, expect, it } from 'vitest';
import { withoutPersonalData } from '../../db/erasure.js';
import { decodeCursor, encodeCursor } from '../../api/schemas/search.js';
import type { StatusDocument } from '../../workflows/types.js';

const document: StatusDocument = {
  verificationId: 'verification-u1',
  runId: 'run-1',
  externalUserId: 'u1',
  smileUserId: 'tenantId-1',
  status: 'COMPLETED',
  stage: 'done',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:05:00.000Z',
  accounts: [{ accountId: 'a-1', providerId: 'sss_ph', status: 'CONNECTED' }],
  datapoints: { identity: 'RECEIVED', employments: 'RECEIVED', contributions: 'RECEIVED', incomes: 'RECEIVED' },
  decision: {
    outcome: 'APPROVED',
    automatedOutcome: 'REVIEW',
    reasons: [{ code: 'TENURE_UNKNOWN', result: 'cannot_judge', message: 'The current employment ABC Corp …' }],
    evaluatedAt: '2026-12-01T00:04:00.000Z',
    evidenceHash: 'abc123',
    engineVersion: '1',
  },
  review: { status: 'RESOLVED', reviewer: 'rita', outcome: 'APPROVED', note: 'Called George Palomero', keyName: 'ops' },
  partnerParams: { email: 'george@example.com' },
};

describe('erasure of a status document', () => {
  it('drops partnerParams, the review note and reason messages; keeps ids, statuses and the decision', () => {
    const scrubbed = withoutPersonalData(document);
    expect(JSON.stringify(scrubbed)).not.toMatch(/palomero|george@|ABC Corp/i);
    expect(scrubbed).toEqual({
      ...document,
      partnerParams: undefined,
      review: { status: 'RESOLVED', reviewer: 'rita', outcome: 'APPROVED', keyName: 'ops' },
      decision: {
        ...document.decision,
        reasons: [{ code: 'TENURE_UNKNOWN', result: 'cannot_judge', message: '(erased)' }],
      },
    });
    expect('partnerParams' in scrubbed).toBe(false);
    expect(withoutPersonalData(scrubbed)).toEqual(scrubbed);
  });
});

describe('search cursors', () => {
  it('round-trip the key, and refuse anything else', () => {
    const key = { createdAt: '2026-12-01T00:00:00.123456+00:00', runId: 'run-1' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    for (const bad of [
      '',
      '!!',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('["x","r"]').toString('base64url'),
    ])
      expect(decodeCursor(bad), bad).toBeUndefined();
  });
});
