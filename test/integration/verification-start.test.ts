import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ExternalUserIdKey, SmileUserIdKey, VerificationStatusKey } from '../../workflows/search-attributes.js';
import { auth, useStack } from '../support/stack.js';

const stack = useStack();

const start = (body: unknown, headers: Record<string, string> = auth) =>
  stack.app.inject({ method: 'POST', url: '/v1/verifications', headers, payload: body as object });
const get = (id: string) => stack.app.inject({ method: 'GET', url: `/v1/verifications/${id}`, headers: auth });

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe('starting a verification', () => {
  const user = `u1-${Date.now()}`;

  it('answers 201 with the verification id, the Smile user and a 5-hour link token', async () => {
    const response = await start({ externalUserId: user, applicant: { fullName: 'George Palomero' } });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.verificationId).toBe(`verification-${user}`);
    expect(body.status).toBe('AWAITING_CONNECTION');
    expect(body.smileUserId).toMatch(/^tenantId-[0-9a-f]{32}$/);
    // The run this request started, the same the status document names.
    expect(body.runId).toBe((await stack.client.workflow.getHandle(body.verificationId).describe()).runId);
    expect((await get(body.verificationId)).json().runId).toBe(body.runId);
    expect(body.link.userToken.length).toBeGreaterThan(20);
    const hoursLeft = (Date.parse(body.link.expiresAt) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(4.9);
    expect(hoursLeft).toBeLessThanOrEqual(5);
  });

  it('joins the running verification on a repeat: 200, same workflow, same Smile user', async () => {
    const first = await get(`verification-${user}`);
    const again = await start({ externalUserId: user });
    expect(again.statusCode).toBe(200);
    expect(again.json().verificationId).toBe(`verification-${user}`);
    expect(again.json().smileUserId).toBe(first.json().smileUserId);
    const runs = [];
    for await (const run of stack.client.workflow.list({ query: `WorkflowId = "verification-${user}"` }))
      runs.push(run);
    expect(runs.length).toBeLessThanOrEqual(1); // visibility may lag; never two
  });

  it('shows AWAITING_CONNECTION in the status document', async () => {
    const response = await get(`verification-${user}`);
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc).toMatchObject({
      verificationId: `verification-${user}`,
      externalUserId: user,
      status: 'AWAITING_CONNECTION',
      accounts: [],
      datapoints: { identity: 'PENDING', employments: 'PENDING', contributions: 'PENDING', incomes: 'PENDING' },
    });
    expect(doc.smileUserId).toMatch(/^tenantId-/);
  });

  it('sets the search attributes, so operators find it by status and user', async () => {
    const description = await stack.client.workflow.getHandle(`verification-${user}`).describe();
    expect(description.typedSearchAttributes.get(VerificationStatusKey)).toBe('AWAITING_CONNECTION');
    expect(description.typedSearchAttributes.get(ExternalUserIdKey)).toBe(user);
    expect(description.typedSearchAttributes.get(SmileUserIdKey)).toMatch(/^tenantId-/);
    const found = await until(
      async () => {
        const ids: string[] = [];
        const query = `VerificationStatus = "AWAITING_CONNECTION" AND ExternalUserId = "${user}"`;
        for await (const run of stack.client.workflow.list({ query })) ids.push(run.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(found).toEqual([`verification-${user}`]);
  });

  it('keeps the personal data of the applicant out of the workflow history', async () => {
    const history = await stack.client.workflow.getHandle(`verification-${user}`).fetchHistory();
    expect(JSON.stringify(history)).not.toContain('Palomero');
    const [row] =
      await stack.sql`select applicant from verification_requests where external_user_id = ${user} and applicant is not null`;
    expect(row?.applicant).toEqual({ fullName: 'George Palomero' });
  });
});

describe('deadlines', () => {
  it('expires when no account connects before connectTimeout, then a new POST starts a new run', async () => {
    const user = `expiring-${Date.now()}`;
    const first = await start({ externalUserId: user, policy: { connectTimeout: '2s' } });
    expect(first.statusCode).toBe(201);
    const closed = await until(
      () => get(`verification-${user}`),
      (r) => r.json().status === 'EXPIRED',
    );
    expect(closed.json().status).toBe('EXPIRED');
    // The row is written as the run closes; the live answer may come a moment earlier.
    const row = await until(
      async () =>
        (await stack.sql`select closed_at from verifications where verification_id = ${`verification-${user}`}`)[0],
      (r) => r?.closed_at instanceof Date,
    );
    expect(row?.closed_at).toBeInstanceOf(Date);

    const second = await start({ externalUserId: user });
    expect(second.statusCode).toBe(201);
    // A returning user keeps their Smile user.
    expect(second.json().smileUserId).toBe(first.json().smileUserId);
    expect((await get(`verification-${user}`)).json().status).toBe('AWAITING_CONNECTION');
  });
});

describe('bad input', () => {
  const problem = (response: { headers: Record<string, unknown> }) =>
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);

  it('401 without a key or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key-000' },
      { authorization: 'Basic abc' },
    ];
    for (const headers of attempts) {
      const response = await start({ externalUserId: 'x' }, headers);
      expect(response.statusCode).toBe(401);
      problem(response);
      expect(response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('400 listing the paths of invalid fields', async () => {
    const response = await start({
      externalUserId: 'has space',
      applicant: { dateOfBirth: '1990-13-45' },
      callbackUrl: 'ftp://x',
    });
    expect(response.statusCode).toBe(400);
    problem(response);
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.externalUserId', 'body.applicant.dateOfBirth', 'body.callbackUrl']),
    );
  });

  it('400 for wrong types, unknown fields and an invalid policy', async () => {
    for (const body of [
      { externalUserId: 42 },
      { externalUserId: 'ok', extra: true },
      { externalUserId: 'ok', policy: { connectTimeout: 'soon' } },
    ]) {
      const response = await start(body);
      expect(response.statusCode).toBe(400);
      problem(response);
    }
    const tooLong = await start({ externalUserId: 'a'.repeat(129) });
    expect(tooLong.statusCode).toBe(400);
  });

  it('400 for partnerParams beyond 20 entries or their sizes (SPEC §3)', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    for (const partnerParams of [many, { long: 'x'.repeat(1_001) }, { ['k'.repeat(65)]: 1 }]) {
      const response = await start({ externalUserId: `params-${Date.now()}`, partnerParams });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors[0].path).toMatch(/^body\.partnerParams/);
    }
  });

  it('404 for an unknown or malformed verification id', async () => {
    for (const id of ['verification-nobody-here', 'not-a-verification', 'verification-bad%20id']) {
      const response = await get(id);
      expect(response.statusCode).toBe(404);
      problem(response);
    }
  });
});

describe('payload encryption', () => {
  it('stores only ciphertext in history: the link token is not there in any form', async () => {
    const user = `sealed-${Date.now()}`;
    const started = await start({ externalUserId: user });
    const { link } = started.json();
    const history = JSON.parse(
      JSON.stringify(await stack.client.workflow.getHandle(`verification-${user}`).fetchHistory()),
    ) as unknown;
    // Every payload's bytes (base64 under "data" in the history's JSON), decoded: what the server stores.
    const stored: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'data' && typeof value === 'string') stored.push(Buffer.from(value, 'base64').toString('latin1'));
          else walk(value);
        }
      }
    };
    walk(history);
    expect(stored.length).toBeGreaterThan(5);
    expect(stored.join('\n')).not.toContain(link.userToken);
    const raw = JSON.stringify(history);
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });
});
