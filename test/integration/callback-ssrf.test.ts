import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities } from '../../activities/notify.js';
import type { Resolver } from '../../activities/callbacks/post.js';
import { freePort } from '../../scripts/ports.js';
import { buildTestApp, productionOverrides } from '../support/app.js';
import { auth } from '../support/stack.js';

/** SPEC §7: callbacks reach public addresses only, checked when the URL is given and again when each delivery connects. */
let production: Awaited<ReturnType<typeof buildTestApp>>;
let receiver: Server;
let received = 0;
let answer = 204;
let port: number;
beforeAll(async () => {
  production = await buildTestApp(productionOverrides({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }));
  receiver = createServer((request, response) => {
    received++;
    request.resume();
    response.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as { port: number }).port;
});
afterAll(async () => {
  await production?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const start = (body: Record<string, unknown>) =>
  production.app.inject({
    method: 'POST',
    url: '/v1/verifications',
    headers: auth,
    payload: { externalUserId: `ssrf-${randomUUID()}`, ...body },
  });

describe('callbackUrl at request time (production mode)', () => {
  it.each([
    'http://127.0.0.1:9/',
    'http://[::1]/',
    'http://2130706433/',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost/',
    'http://127.1/',
    'http://0x7f.0.0.1/',
    'http://[::ffff:10.0.0.1]/',
    'http://10.1.2.3/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://api.localhost/',
  ])('%s is a 400 naming callbackUrl', async (callbackUrl) => {
    const response = await start({ callbackUrl });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'body.callbackUrl' })]);
  });

  it('a KYC policy without the SMILE_ID_* settings is a 400 naming policy.kyc.enabled', async () => {
    const response = await start({ policy: { kyc: { enabled: true } } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'body.policy.kyc.enabled' })]);
  });
});

describe('result callback delivery', () => {
  const storedRun = async () => {
    const runId = randomUUID();
    await production.sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at)
              values (${runId}, 'verification-ssrf', 'ssrf', ${randomUUID()}, 'COMPLETED', ${production.sql.json({ status: 'COMPLETED' })}, now(), now())`;
    return runId;
  };
  const attempts = (runId: string) =>
    production.sql<{ error: string | null; status_code: number | null }[]>`
      select error, status_code from callback_deliveries where run_id = ${runId} order by id`;
  // DNS that answers what a rebinding attacker would: a public-looking name, a loopback address.
  const rebinding: Resolver = (_hostname, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]);

  it('a name that resolves to a private address is blocked at connect time, recorded, not retried', async () => {
    const runId = await storedRun();
    const before = received;
    const notify = createNotifyActivities({
      sql: production.sql,
      secret: production.config.resultCallback.secret,
      allowPrivateNetworks: false,
      resolve: rebinding,
    });
    const failure = await notify
      .deliverResultCallback({ runId, callbackUrl: `http://callbacks.example.com:${port}/hook` })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).type).toBe('CallbackBlocked');
    expect(received).toBe(before);
    const [attempt] = await attempts(runId);
    expect(attempt?.error).toMatch(/^blocked: callbacks\.example\.com resolves to a loopback address/);
  });

  it('an IP literal is blocked without connecting; allowed with RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS', async () => {
    const runId = await storedRun();
    const secret = production.config.resultCallback.secret;
    const before = received;
    const refused = createNotifyActivities({ sql: production.sql, secret, allowPrivateNetworks: false });
    await expect(refused.deliverResultCallback({ runId, callbackUrl: `http://127.1:${port}/` })).rejects.toThrow(
      /blocked/,
    );
    expect(received).toBe(before);
    const allowed = createNotifyActivities({ sql: production.sql, secret, allowPrivateNetworks: true });
    expect(await allowed.deliverResultCallback({ runId, callbackUrl: `http://127.0.0.1:${port}/` })).toEqual({
      delivered: true,
    });
    expect(received).toBe(before + 1);
  });

  it.each([
    [410, true],
    [400, true],
    [408, false],
    [429, false],
    [503, false],
  ])('an answer %i is permanent: %s', async (status, permanent) => {
    answer = status;
    try {
      const runId = await storedRun();
      const notify = createNotifyActivities({
        sql: production.sql,
        secret: production.config.resultCallback.secret,
        allowPrivateNetworks: true,
      });
      const failure = (await notify
        .deliverResultCallback({ runId, callbackUrl: `http://127.0.0.1:${port}/` })
        .catch((e: unknown) => e)) as ApplicationFailure;
      expect(failure.nonRetryable).toBe(permanent);
      expect((await attempts(runId)).map((a) => a.status_code)).toEqual([status]);
    } finally {
      answer = 204;
    }
  });
});
