import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { freePort } from '../../scripts/ports.js';
import { buildTestApp } from '../support/app.js';
import { testConfig } from '../support/stack.js';

/**
 * Named, scoped keys (SPEC §10) on the API alone: Postgres real, Temporal at a
 * dead port (nothing here needs a workflow). Closed verifications are answered
 * from their stored row.
 */
const KEYS = [
  'reader:reader-secret-123:verifications.read',
  'onboarding:onboarding-secret-123:verifications.write+verifications.read',
  'compliance:compliance-secret-123:data.erase',
  'rotating:rotating-old-123,rotating:rotating-new-456',
].join(',');
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

let built: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  built = await buildTestApp({ API_KEYS: KEYS, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
});
afterAll(() => built?.close());

async function closedVerification(): Promise<string> {
  const externalUserId = `keys-${randomUUID()}`;
  const id = `verification-${externalUserId}`;
  const at = new Date().toISOString();
  const datapoints = { identity: 'MISSING', employments: 'MISSING', contributions: 'MISSING', incomes: 'MISSING' };
  const document = {
    verificationId: id,
    externalUserId,
    smileUserId: null,
    status: 'CANCELLED',
    stage: 'closed',
    createdAt: at,
    updatedAt: at,
    accounts: [],
    datapoints,
  };
  await built.sql`insert into verifications (run_id, verification_id, external_user_id, request_id, status, status_document, created_at, updated_at, closed_at)
                  values (${randomUUID()}, ${id}, ${externalUserId}, ${randomUUID()}, 'COMPLETED', ${built.sql.json(document)}, now(), now(), now())`;
  return id;
}

describe('scoped keys', () => {
  it('a read-only key gets 200 on GET and 403 on POST, naming the missing scope', async () => {
    const id = await closedVerification();
    const read = await built.app.inject({
      method: 'GET',
      url: `/v1/verifications/${id}`,
      headers: bearer('reader-secret-123'),
    });
    expect(read.statusCode).toBe(200);
    const start = await built.app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: bearer('reader-secret-123'),
      payload: { externalUserId: 'never-started' },
    });
    expect(start.statusCode).toBe(403);
    expect(start.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(start.json().detail).toContain('verifications.write');
    for (const [method, url] of [
      ['POST', `/v1/verifications/${id}/cancel`],
      ['POST', `/v1/verifications/${id}/link-token`],
      ['DELETE', `/v1/verifications/${id}/data`],
    ] as const)
      expect((await built.app.inject({ method, url, headers: bearer('reader-secret-123') })).statusCode, url).toBe(403);
  });

  it('each scope opens only its routes: data.erase passes to the erasure and cannot read', async () => {
    const id = await closedVerification();
    const headers = bearer('compliance-secret-123');
    expect((await built.app.inject({ method: 'GET', url: `/v1/verifications/${id}`, headers })).statusCode).toBe(403);
    // Past the scope check the erasure workflow is started: Temporal is down here, so 503
    // (test/integration/erasure.test.ts erases for real and checks the key name it records).
    const erase = await built.app.inject({ method: 'DELETE', url: `/v1/verifications/${id}/data`, headers });
    expect(erase.statusCode).toBe(503);
    expect(erase.json().detail).toMatch(/Temporal/);
  });

  it('401 for no key and for an unknown one', async () => {
    for (const headers of [{}, bearer('not-a-key-123')])
      expect(
        (await built.app.inject({ method: 'GET', url: '/v1/verifications/verification-x', headers })).statusCode,
      ).toBe(401);
  });
});

describe('logs', () => {
  it("carry the key's name on every line of its requests, and never its secret", async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const config = testConfig({ API_KEYS: KEYS, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql: built.sql, temporal, logger: { level: 'info', stream } });
    try {
      await app.inject({
        method: 'GET',
        url: '/v1/verifications/verification-logged',
        headers: bearer('reader-secret-123'),
      });
    } finally {
      await app.close();
      await temporal.connection.close().catch(() => {});
    }
    const completed = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'request');
    expect(completed?.keyName).toBe('reader');
    expect(lines.join('')).not.toContain('reader-secret-123');
  });
});

describe('rate limits', () => {
  it("key on the verified key's name: a key's two secrets share one budget; made-up keys share the address's", async () => {
    const limited = await buildTestApp({
      API_KEYS: KEYS,
      API_RATE_LIMIT_PER_MINUTE: '4',
      API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3',
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    try {
      const get = (headers: Record<string, string>) =>
        limited.app
          .inject({ method: 'GET', url: '/v1/verifications/verification-none', headers })
          .then((r) => r.statusCode);
      const rotating = [];
      for (const secret of [
        'rotating-old-123',
        'rotating-new-456',
        'rotating-old-123',
        'rotating-new-456',
        'rotating-old-123',
      ])
        rotating.push(await get(bearer(secret)));
      expect(rotating).toEqual([404, 404, 404, 404, 429]);
      // Another key has its own budget.
      expect(await get(bearer('reader-secret-123'))).toBe(404);
      // A fresh made-up key per request does not escape: unauthenticated requests count per address.
      const anonymous = [];
      for (let i = 0; i < 4; i++) anonymous.push(await get(bearer(`made-up-${i}-${randomUUID()}`)));
      expect(anonymous).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('limits /metrics and /readyz per address', async () => {
    const limited = await buildTestApp({
      API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '2',
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    try {
      for (const url of ['/metrics', '/readyz']) {
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await limited.app.inject({ method: 'GET', url })).statusCode);
        expect(statuses.at(-1), url).toBe(429);
      }
    } finally {
      await limited.close();
    }
  });
});
