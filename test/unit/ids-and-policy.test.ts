import { describe, expect, it } from 'vitest';
import {
  callbackMessageId,
  callbackWorkflowId,
  externalUserIdOf,
  kycJobId,
  runIdOfKycJob,
  verificationWorkflowId,
} from '../../workflows/ids.js';
import { durationMs, policySchema, resolvePolicy } from '../../workflows/policy.js';

describe('workflow ids', () => {
  it('is verification-<externalUserId>, and back', () => {
    expect(verificationWorkflowId('u1')).toBe('verification-u1');
    expect(verificationWorkflowId('a.b:c@d-e_f')).toBe('verification-a.b:c@d-e_f');
    expect(externalUserIdOf('verification-u1')).toBe('u1');
  });

  it.each(['', 'has space', 'slash/no', 'ü', 'a'.repeat(129)])('rejects %j', (id) => {
    expect(() => verificationWorkflowId(id)).toThrow(TypeError);
  });

  it('does not map foreign ids', () => {
    expect(externalUserIdOf('order-1')).toBeUndefined();
    expect(externalUserIdOf('verification-')).toBeUndefined();
    expect(externalUserIdOf('verification-bad id')).toBeUndefined();
  });

  it('names the result callback workflow and its webhook-id by the run', () => {
    expect(callbackWorkflowId('run-1')).toBe('callback-run-1');
    expect(callbackMessageId('run-1')).toBe('msg_run-1');
  });

  it('gives each callback message of a run its own workflow and webhook-id', () => {
    const review = { type: 'verification.review_required' } as const;
    const updates = [1, 2].map((sequence) => ({ type: 'verification.updated', sequence }) as const);
    expect(callbackMessageId('run-1', { type: 'verification.completed' })).toBe('msg_run-1');
    expect(callbackMessageId('run-1', review)).toBe('msg_run-1_review');
    expect(updates.map((u) => callbackMessageId('run-1', u))).toEqual(['msg_run-1_update_1', 'msg_run-1_update_2']);
    expect(callbackWorkflowId('run-1', review)).toBe('callback-run-1-review');
    expect(callbackWorkflowId('run-1', updates[1])).toBe('callback-run-1-update-2');
  });

  it('is kyc-<runId> for a KYC job, and back', () => {
    expect(kycJobId('0192-abc')).toBe('kyc-0192-abc');
    expect(runIdOfKycJob(kycJobId('0192-abc'))).toBe('0192-abc');
  });

  it.each(['', 'kyc-', 'job-1', 'KYC-1', 'callback-1'])('finds no run in the job id %j', (jobId) => {
    expect(runIdOfKycJob(jobId)).toBeUndefined();
  });
});

describe('policy', () => {
  it('has the defaults of SPEC §6', () => {
    expect(resolvePolicy()).toMatchObject({
      requiredDatapoints: ['identity', 'employments', 'contributions'],
      nameMatchThreshold: 0.85,
      minTenureMonths: 3,
      contributionMonths: { required: 6, window: 12 },
      maxContributionGapMonths: 2,
      connectTimeout: '72h',
      dataTimeout: '30m',
      connectionCheckInterval: '15m',
      tokenRefreshMargin: '10m',
      maxConnectAttempts: 3,
      eraseOnDisconnect: false,
      kyc: { enabled: false, jobType: 5, callbackTimeout: '10m', maxWait: '24h' },
    });
  });

  it('merges overrides over the defaults', () => {
    const policy = resolvePolicy({ connectTimeout: '2s', kyc: { enabled: true } });
    expect(policy.connectTimeout).toBe('2s');
    expect(policy.dataTimeout).toBe('30m');
    expect(policy.kyc).toMatchObject({ enabled: true, callbackTimeout: '10m' });
  });

  it('rejects unknown fields and bad values', () => {
    expect(() => resolvePolicy({ connectTimeout: 'soon' })).toThrow();
    expect(() => resolvePolicy({ nameMatchThreshold: 2 })).toThrow();
    expect(() => resolvePolicy({ surprise: true } as never)).toThrow();
  });

  /** SPEC §6's bounds: the path of the field that is out of them. */
  it.each([
    [{ connectTimeout: '0s' }, 'connectTimeout'],
    [{ connectTimeout: '31d' }, 'connectTimeout'],
    [{ dataTimeout: '500ms' }, 'dataTimeout'],
    [{ dataTimeout: '8d' }, 'dataTimeout'],
    [{ connectionCheckInterval: '4s' }, 'connectionCheckInterval'],
    [{ connectionCheckInterval: '25h' }, 'connectionCheckInterval'],
    [{ tokenRefreshMargin: '5h' }, 'tokenRefreshMargin'],
    [{ kyc: { callbackTimeout: '0s' } }, 'kyc.callbackTimeout'],
    [{ kyc: { callbackTimeout: '2d', maxWait: '7d' } }, 'kyc.callbackTimeout'],
    [{ kyc: { maxWait: '999d' } }, 'kyc.maxWait'],
    [{ kyc: { callbackTimeout: '1h', maxWait: '30m' } }, 'kyc.maxWait'],
  ])('rejects %j, naming %s', (overrides, path) => {
    const result = policySchema.safeParse(overrides);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([path]);
  });

  it.each([
    { connectTimeout: '1s', dataTimeout: '7d', connectionCheckInterval: '5s', tokenRefreshMargin: '0s' },
    { connectTimeout: '30d', dataTimeout: '1s', connectionCheckInterval: '24h', tokenRefreshMargin: '4h' },
    { kyc: { callbackTimeout: '1s', maxWait: '1s' } },
    { kyc: { callbackTimeout: '24h', maxWait: '7d' } },
  ])('accepts the bounds themselves: %j', (overrides) => {
    expect(policySchema.safeParse(overrides).success).toBe(true);
  });

  it('reads durations', () => {
    expect(durationMs('250ms')).toBe(250);
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('10m')).toBe(600_000);
    expect(durationMs('72h')).toBe(259_200_000);
    expect(durationMs('2d')).toBe(172_800_000);
    expect(() => durationMs('1y')).toThrow();
  });
});
