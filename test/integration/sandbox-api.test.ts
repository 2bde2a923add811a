import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smileId } from '../../sandbox/envelope.js';
import type { DataRecord } from '../../sandbox/state.js';
import { SANDBOX_USERS } from '../../sandbox/users.js';
import { taskPayload } from '../../sandbox/webhooks/payload.js';
import { startSandbox, type TestSandbox } from '../fixtures/sandbox/harness.js';

let sandbox: TestSandbox;
const linked: Record<string, { userId: string; accountId: string }> = {};
beforeAll(async () => {
  sandbox = await startSandbox();
  for (const key of ['george', 'ryan'] as const) {
    const { userId, userToken } = await sandbox.createUser();
    const { username, password } = SANDBOX_USERS[key];
    const answer = await sandbox.call<{ account: { id: string } }>('POST', '/sandbox/v1/connect', {
      userToken,
      username,
      password,
    });
    linked[key] = { userId, accountId: answer.body.data.account.id };
  }
});
afterAll(() => sandbox?.close());

type Page = {
  nextCursor: string | null;
  items: { id: string; date: string; month: string; metadata: { userId: string; accountId: string } }[];
};

describe('Smile errors', () => {
  it('wrong or missing Basic auth → 401 INVALID_CREDENTIALS', async () => {
    for (const authorization of ['', 'Basic ' + Buffer.from('test-key:nope').toString('base64'), 'Bearer test-key']) {
      const answer = await sandbox.call('GET', '/v1/accounts', undefined, { authorization });
      expect([answer.status, answer.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    }
  });

  it.each([
    '/v1/users/tenantId-x',
    '/v1/accounts/a-x',
    '/v1/webhooks/x',
    '/v1/identities/i-x',
    '/v1/employments/e-x',
    '/v1/contributions/con-x',
    '/v1/incomes/inc-x',
    '/v1/eincomes/einc-x',
    '/v1/nothing',
  ])('GET %s → 404 MISSING_RESOURCE', async (path) => {
    const answer = await sandbox.call('GET', path);
    expect([answer.status, answer.body.code]).toEqual([404, 'MISSING_RESOURCE']);
  });

  it.each([
    ['GET', '/v1/contributions?size=151'],
    ['GET', '/v1/contributions?size=two'],
    ['GET', '/v1/employments?cursor=zz'],
    ['GET', '/v1/contributions?startDate=2024-13-01'],
    ['GET', '/v1/eincomes?startMonth=2024-1'],
    ['POST', '/v1/tokens'],
    ['POST', '/v1/webhooks', { url: 'not a url' }],
    ['POST', '/v1/users', { externalMetadata: { a: 1 } }],
    ['POST', '/sandbox/v1/connect', { username: 'x' }],
  ] as const)('%s %s → 400 INVALID_PARAMETERS', async (method, path, body?: unknown) => {
    const answer = await sandbox.call(method, path, body);
    expect([answer.status, answer.body.code]).toEqual([400, 'INVALID_PARAMETERS']);
  });

  it('an unknown link token → 401 INVALID_TOKEN on connect', async () => {
    const answer = await sandbox.call('POST', '/sandbox/v1/connect', {
      userToken: 'nope',
      username: 'a',
      password: 'b',
    });
    expect([answer.status, answer.body.code]).toEqual([401, 'INVALID_TOKEN']);
  });
});

describe('lists', () => {
  it('cursor pagination visits every item once, in order, for any page size', async () => {
    const all = (
      await sandbox.call<Page>('GET', `/v1/contributions?userId=${linked.george!.userId}&size=150`)
    ).body.data.items.map((i) => i.id);
    expect(all).toHaveLength(24);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 150 }), async (size) => {
        const seen: string[] = [];
        let cursor: string | null = '';
        do {
          const page: Page = (
            await sandbox.call<Page>(
              'GET',
              `/v1/contributions?userId=${linked.george!.userId}&size=${size}${cursor ? `&cursor=${cursor}` : ''}`,
            )
          ).body.data;
          expect(page.items.length).toBeLessThanOrEqual(size);
          seen.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(all);
      }),
      { numRuns: 25 },
    );
  });

  it('filters by userId, accountId, date and month ranges', async () => {
    const ryan = await sandbox.call<Page>('GET', `/v1/contributions?accountId=${linked.ryan!.accountId}&size=150`);
    expect(ryan.body.data.items.every((i) => i.metadata.userId === linked.ryan!.userId)).toBe(true);
    expect(ryan.body.data.items).toHaveLength(7);
    const george = (await sandbox.call<Page>('GET', `/v1/contributions?userId=${linked.george!.userId}&size=150`)).body
      .data.items;
    const [newest, , third] = george;
    const ranged = await sandbox.call<Page>(
      'GET',
      `/v1/contributions?userId=${linked.george!.userId}&startDate=${third!.date}&endDate=${newest!.date}`,
    );
    expect(ranged.body.data.items.map((i) => i.date)).toEqual(george.slice(0, 3).map((i) => i.date));
    const months = (
      await sandbox.call<Page>('GET', `/v1/eincomes?userId=${linked.george!.userId}&size=150`)
    ).body.data.items.map((i) => i.month);
    const byMonth = await sandbox.call<Page>(
      'GET',
      `/v1/eincomes?userId=${linked.george!.userId}&startMonth=${months[1]}&endMonth=${months[0]}`,
    );
    expect(byMonth.body.data.items.map((i) => i.month)).toEqual(months.slice(0, 2));
    const accounts = await sandbox.call<Page>('GET', `/v1/accounts?userId=${linked.ryan!.userId}`);
    expect(accounts.body.data.items.map((a) => a.id)).toEqual([linked.ryan!.accountId]);
  });

  it('a webhook payload carries at most 300 items of a list; the rest is on the list endpoint', async () => {
    const state = sandbox.sandbox.sandboxState;
    const template = [...state.records.contributions.values()][0]!;
    const metadata = { ...template.metadata, accountId: 'a-bulk', sourceId: 'a-bulk', userId: 'tenantId-bulk' };
    for (let i = 0; i < 350; i++) {
      const record: DataRecord = { ...template, id: smileId('con'), metadata };
      state.records.contributions.set(record.id, record);
    }
    const payload = taskPayload(state, 'a-bulk') as { contributions: { nextCursor: string; items: unknown[] } };
    expect(payload.contributions.items).toHaveLength(300);
    expect(payload.contributions.nextCursor).toBe('300');
    const rest = await sandbox.call<Page>('GET', `/v1/contributions?accountId=a-bulk&size=150&cursor=300`);
    expect([rest.body.data.items.length, rest.body.data.nextCursor]).toEqual([50, null]);
  });
});

describe('accounts and users', () => {
  it('revoking an account deletes its data and emits ACCOUNT_DISCONNECTED', async () => {
    const { userId, accountId } = linked.ryan!;
    expect((await sandbox.call('DELETE', `/v1/accounts/${accountId}`)).status).toBe(200);
    const account = await sandbox.call<{ connectionStatus: string }>('GET', `/v1/accounts/${accountId}`);
    expect(account.body.data.connectionStatus).toBe('DISCONNECTED');
    expect((await sandbox.call<Page>('GET', `/v1/employments?accountId=${accountId}`)).body.data.items).toEqual([]);
    const events = await sandbox.call<{ type: string }[]>('GET', `/sandbox/v1/events?userId=${userId}`);
    expect(events.body.data.at(-1)!.type).toBe('ACCOUNT_DISCONNECTED');
  });

  it('a linked user lists the provider; the front page lists the users and credentials', async () => {
    const user = await sandbox.call<{ providers: string[] }>('GET', `/v1/users/${linked.george!.userId}`);
    expect(user.body.data.providers).toEqual(['sss_ph']);
    const html = await (await fetch(sandbox.url + '/')).text();
    for (const { username, password } of Object.values(SANDBOX_USERS))
      expect(html).toContain(`<code>${username}</code></td><td><code>${password}</code>`);
    expect(html).toContain('/sandbox/v1/faults');
  });
});
