import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { smileIdSignature } from '../../sandbox/kyc/jobs.js';
import { eventually, startReceiver, startSandbox, type TestSandbox } from '../fixtures/sandbox/harness.js';

const PARTNER = 'test-partner';
const KEY = 'test-smile-id-key';

let sandbox: TestSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sandbox = await startSandbox({ smileIdPartnerId: PARTNER, smileIdApiKey: KEY });
  receiver = await startReceiver();
});
afterEach(() => sandbox.call('DELETE', '/sandbox/v1/faults'));
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

function signed(body: Record<string, unknown>, key = KEY) {
  const timestamp = new Date().toISOString();
  return { ...body, partner_id: PARTNER, timestamp, signature: smileIdSignature(key, timestamp, PARTNER) };
}
async function smileId(path: string, body: Record<string, unknown>) {
  const response = await fetch(`${sandbox.url}/smile-id/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const submit = (jobId: string, userId = 'tenantId-kyc') =>
  smileId(
    '/jobs',
    signed({ callback_url: receiver.url, partner_params: { job_id: jobId, user_id: userId, job_type: 5 } }),
  );
type Callback = { ResultCode: string; PartnerParams: { job_id: string }; signature: string; timestamp: string };
const callbackFor = (jobId: string) =>
  receiver.received.map((r) => r.body as unknown as Callback).find((b) => b.PartnerParams.job_id === jobId);

describe('Smile ID style KYC jobs', () => {
  it('a job completes with a signed callback (1012 by default), and job_status agrees', async () => {
    const accepted = await submit('job-1');
    expect(accepted).toMatchObject({ status: 200, body: { success: true, smile_job_id: expect.any(String) } });
    await eventually(() => callbackFor('job-1') !== undefined, 'the callback');
    const callback = callbackFor('job-1')!;
    expect(callback).toMatchObject({
      ResultCode: '1012',
      PartnerParams: { job_id: 'job-1', user_id: 'tenantId-kyc', job_type: 5 },
    });
    expect(callback.signature).toBe(smileIdSignature(KEY, callback.timestamp, PARTNER));
    const status = await smileId('/job_status', signed({ job_id: 'job-1', user_id: 'tenantId-kyc' }));
    expect(status.body).toMatchObject({ job_complete: true, job_success: true, result: { ResultCode: '1012' } });
  });

  it('an RC<code> marker in the job id picks the result code', async () => {
    await submit('job-RC1022');
    await eventually(() => callbackFor('job-RC1022') !== undefined, 'the callback');
    expect(callbackFor('job-RC1022')!.ResultCode).toBe('1022');
    const status = await smileId('/job_status', signed({ job_id: 'job-RC1022' }));
    expect(status.body).toMatchObject({ job_complete: true, job_success: false });
  });

  it('faults: kycResultCode sets the code; dropKycCallbacks leaves only job_status', async () => {
    await sandbox.call('POST', '/sandbox/v1/faults', { kycResultCode: '1013', dropKycCallbacks: true });
    await submit('job-quiet');
    await eventually(() => sandbox.sandbox.sandboxState.kycJobs.get('job-quiet')?.complete === true, 'completion');
    const status = await smileId('/job_status', signed({ job_id: 'job-quiet' }));
    expect(status.body).toMatchObject({ job_complete: true, job_success: false, result: { ResultCode: '1013' } });
    await submit('job-after');
    await eventually(() => sandbox.sandbox.sandboxState.kycJobs.get('job-after')?.complete === true, 'completion');
    expect(callbackFor('job-quiet')).toBeUndefined();
  });

  it('rejects a wrong signature (401), a missing job (404) and a job without partner_params (400)', async () => {
    expect(
      (await smileId('/jobs', signed({ partner_params: { job_id: 'x', user_id: 'y', job_type: 5 } }, 'wrong-key')))
        .status,
    ).toBe(401);
    expect((await smileId('/job_status', signed({ job_id: 'never' }))).status).toBe(404);
    expect((await smileId('/jobs', signed({ callback_url: receiver.url }))).status).toBe(400);
  });
});
