import { describe, expect, it } from 'vitest';
import {
  callbackMessageId,
  callbackWorkflowId,
  externalUserIdOf,
  kycJobId,
  runIdOfKycJob,
  verificationWorkflowId,
} from '../../workflows/ids.js';
import { durationMs, resolvePolicy } from '../../workflows/policy.js';

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
      tokenRefreshMargin: '10m',
      maxConnectAttempts: 3,
      eraseOnDisconnect: false,
      kyc: { enabled: false },
    });
  });

  it('merges overrides over the defaults', () => {
    const policy = resolvePolicy({ connectTimeout: '2s', kyc: { enabled: true } });
    expect(policy.connectTimeout).toBe('2s');
    expect(policy.dataTimeout).toBe('30m');
    expect(policy.kyc).toMatchObject({ enabled: true, callbackTimeout: '2m' });
  });

  it('rejects unknown fields and bad values', () => {
    expect(() => resolvePolicy({ connectTimeout: 'soon' })).toThrow();
    expect(() => resolvePolicy({ nameMatchThreshold: 2 })).toThrow();
    expect(() => resolvePolicy({ surprise: true } as never)).toThrow();
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
