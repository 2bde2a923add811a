import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/ports.js';
import { buildTestApp, productionOverrides } from '../support/app.js';
import { postWebhook, smileEvent, smileSignature } from '../support/webhooks.js';

/** The webhook routes' defences (SPEC §4, §5) on the API alone: Postgres real, Temporal at a dead port. */
let built: Awaited<ReturnType<typeof buildTestApp>>;
let deadTemporal: string;
beforeAll(async () => {
  deadTemporal = `127.0.0.1:${await freePort()}`;
  built = await buildTestApp({
    TEMPORAL_ADDRESS: deadTemporal,
    SMILE_WEBHOOK_ALLOWED_IPS: '10.0.0.0/8, 18.142.61.230, 127.0.0.1',
  });
});
afterAll(() => built?.close());

const from = (remoteAddress: string, payload: string, signature = smileSignature(payload)) =>
  built.app.inject({
    method: 'POST',
    url: '/webhooks/smile',
    remoteAddress,
    headers: { 'content-type': 'application/json', 'smile-signature': signature },
    payload,
  });

describe('the source-address allow-list', () => {
  it('takes CIDRs', async () => {
    const raw = JSON.stringify(smileEvent('USER_CREATED', { userId: 'tenantId-cidr' }));
    expect((await from('10.20.30.40', raw)).statusCode).toBe(200);
    expect((await from('18.142.61.230', raw)).statusCode).toBe(200);
    expect((await from('192.168.1.1', raw)).statusCode).toBe(403);
  });

  it('refuses before the body is read: an oversized body from a refused address is 403, not 413', async () => {
    const huge = 'x'.repeat(11 * 1024 * 1024);
    expect((await from('192.168.1.1', huge, 'a'.repeat(128))).statusCode).toBe(403);
    expect((await from('10.0.0.1', huge, 'a'.repeat(128))).statusCode).toBe(413);
  });
});

describe('KYC callbacks', () => {
  const sign = (timestamp: string) =>
    createHmac('sha256', 'sandbox-smile-id-key')
      .update(timestamp + 'sandbox-partner' + 'sid_request')
      .digest('base64');
  const post = (app: typeof built.app, jobId: string, timestamp: string) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/smile-id',
      headers: { 'content-type': 'application/json' },
      payload: { PartnerParams: { job_id: jobId }, ResultCode: '1012', timestamp, signature: sign(timestamp) },
    });

  it('a valid signature over a timestamp more than 5 minutes from now is 401, and nothing is stored', async () => {
    for (const offsetMs of [-10 * 60_000, 10 * 60_000]) {
      const jobId = `kyc-replay-${randomUUID()}`;
      const response = await post(built.app, jobId, new Date(Date.now() + offsetMs).toISOString());
      expect(response.statusCode).toBe(401);
      expect(await built.sql`select 1 from inbox_events where job_id = ${jobId}`).toHaveLength(0);
    }
    const fresh = `kyc-fresh-${randomUUID()}`;
    expect((await post(built.app, fresh, new Date(Date.now() - 60_000).toISOString())).statusCode).toBe(200);
  });

  it('/webhooks/smile-id is not served where KYC is not configured', async () => {
    const production = await buildTestApp(productionOverrides({ TEMPORAL_ADDRESS: deadTemporal }));
    try {
      expect((await post(production.app, 'kyc-x', new Date().toISOString())).statusCode).toBe(404);
    } finally {
      await production.close();
    }
  });
});

describe('poison data', () => {
  it('a signed webhook with \\u0000 in its strings is 2xx, stored, and its exact bytes kept', async () => {
    const userId = `tenantId-nul-${randomUUID()}`;
    const event = smileEvent('ACCOUNT_CONNECTED', { userId, accountId: 'a-\u0000x', note: 'nul \u0000 here' });
    const raw = JSON.stringify(event);
    expect(raw).toContain('\\u0000');
    const response = await postWebhook(built.app, raw, {});
    expect(response.statusCode).toBe(200);
    const [row] = await built.sql<{ body: { data: Record<string, string> }; raw_body: Buffer; account_id: string }[]>`
      select body, raw_body, account_id from inbox_events where id = ${event.id}`;
    expect(row?.body.data.note).toBe('nul \uFFFD here');
    expect(row?.account_id).toBe('a-\uFFFDx');
    expect(row?.raw_body.toString('utf8')).toBe(raw);
  });

  it('an ordinary body keeps no second copy', async () => {
    const event = smileEvent('USER_CREATED', { userId: `tenantId-plain-${randomUUID()}` });
    expect((await postWebhook(built.app, event)).statusCode).toBe(200);
    const [row] = await built.sql`select raw_body from inbox_events where id = ${event.id}`;
    expect(row?.raw_body).toBeNull();
  });
});
