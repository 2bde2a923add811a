import { afterEach, describe, expect, it } from 'vitest';
import { GEORGE_CONNECT_EVENTS, SANDBOX_USERS } from '../../sandbox/users.js';
import { eventually, signatureOf, startReceiver, startSandbox, type TestSandbox } from '../fixtures/sandbox/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sandbox with one webhook to a fresh receiver, and a user with its link token. */
async function setup(webhook: Record<string, unknown> = {}, status?: (n: number) => number, clock?: () => Date) {
  const sandbox = await startSandbox(clock ? { now: clock } : {});
  const receiver = await startReceiver(status);
  cleanups.push(sandbox.close, receiver.close);
  const registered = await sandbox.call('POST', '/v1/webhooks', {
    url: receiver.url,
    includePayload: true,
    ...webhook,
  });
  expect(registered.status).toBe(200);
  const user = await sandbox.createUser();
  return { sandbox, receiver, user };
}

const connect = (sandbox: TestSandbox, body: Record<string, unknown>) =>
  sandbox.call('POST', '/sandbox/v1/connect', body);
const george = (userToken: string) => ({
  userToken,
  username: SANDBOX_USERS.george.username,
  password: SANDBOX_USERS.george.password,
  mfaCode: '1234',
});
const linkTypes = (types: string[]) => types.filter((t) => t !== 'USER_CREATED');

describe('webhook delivery', () => {
  it('connecting George delivers the link events in order, each signed, TASK_FINISHED with its payload', async () => {
    const { sandbox, receiver, user } = await setup({ eventTypes: ['ALL_EVENTS'] });
    const answer = await connect(sandbox, george(user.userToken));
    expect(answer.status).toBe(200);
    await eventually(() => receiver.received.length === GEORGE_CONNECT_EVENTS.length + 1, 'all events');
    expect(receiver.types()).toEqual(['USER_CREATED', ...GEORGE_CONNECT_EVENTS]);
    for (const { headers, raw, body } of receiver.received) {
      expect(headers['smile-signature']).toBe(signatureOf(raw));
      expect(body).toMatchObject({
        id: expect.stringMatching(/^et-[0-9a-f]{32}$/),
        version: 1,
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(body.data.userId).toBe(user.userId);
    }
    const finished = receiver.received.at(-1)!.body.data as {
      datapoints: string[];
      payload: Record<string, { items: unknown[] }> & { identity: { fullName: string } };
    };
    expect(finished.datapoints).toEqual(['IDENTITIES', 'EMPLOYMENTS', 'CONTRIBUTIONS', 'INCOMES', 'EINCOMES']);
    expect(finished.payload.identity.fullName).toBe('George Cimafranca Palomero, Jr');
    expect(finished.payload.contributions!.items).toHaveLength(24);
    expect(finished.payload.employments!.items).toHaveLength(2);
    const accountId = (answer.body.data as { account: { id: string } }).account.id;
    expect(receiver.received[1]!.body.data).toEqual({ userId: user.userId, accountId, providers: ['sss_ph'] });
  });

  it('includePayload false sends TASK_FINISHED without payload; eventTypes filters', async () => {
    const { sandbox, receiver, user } = await setup({
      includePayload: false,
      eventTypes: ['ACCOUNT_CONNECTED', 'TASK_FINISHED'],
    });
    await connect(sandbox, george(user.userToken));
    await eventually(() => receiver.received.length === 2, 'two events');
    expect(receiver.types()).toEqual(['ACCOUNT_CONNECTED', 'TASK_FINISHED']);
    expect(receiver.received[1]!.body.data).not.toHaveProperty('payload');
  });

  it('a wrong password gives ACCOUNT_FAILED with INVALID_CREDENTIALS, and the widget callbacks say so', async () => {
    const { sandbox, receiver, user } = await setup();
    const answer = await connect(sandbox, { ...george(user.userToken), password: 'wrong' });
    expect(answer.status).toBe(200);
    const data = answer.body.data as {
      account: { connectionStatus: string };
      callbacks: { callback: string; data: Record<string, unknown> }[];
    };
    expect(data.account.connectionStatus).toBe('ERROR');
    expect(data.callbacks.filter((c) => c.callback !== 'onUIEvent').map((c) => c.callback)).toEqual([
      'onAccountCreated',
      'onAccountError',
    ]);
    expect(data.callbacks.at(-1)!.data).toMatchObject({ errorCode: 'INVALID_CREDENTIALS' });
    await eventually(() => receiver.received.length === 3, 'three events');
    expect(linkTypes(receiver.types())).toEqual(['ACCOUNT_CREATED', 'ACCOUNT_FAILED']);
    expect(receiver.received[2]!.body.data).toMatchObject({
      errorCode: 'INVALID_CREDENTIALS',
      loginName: SANDBOX_USERS.george.username,
    });
  });

  it('a wrong verification code gives ACCOUNT_FAILED with INVALID_MFA', async () => {
    const { sandbox, receiver, user } = await setup();
    await connect(sandbox, { ...george(user.userToken), mfaCode: '0000' });
    await eventually(() => receiver.received.length === 3, 'three events');
    expect(receiver.received[2]!.body).toMatchObject({ type: 'ACCOUNT_FAILED', data: { errorCode: 'INVALID_MFA' } });
  });

  it('a non-2xx answer is retried (same event id), and later events wait for it', async () => {
    const { sandbox, receiver, user } = await setup({}, (n) => (n === 1 ? 500 : 200));
    await connect(sandbox, george(user.userToken));
    await eventually(() => receiver.received.length === GEORGE_CONNECT_EVENTS.length + 1, 'all events');
    expect(receiver.requests()).toBe(GEORGE_CONNECT_EVENTS.length + 2);
    expect(receiver.types()).toEqual(['USER_CREATED', ...GEORGE_CONNECT_EVENTS]);
    const attempts = await sandbox.call<{ type: string; attempt: number; status: number }[]>(
      'GET',
      '/sandbox/v1/deliveries',
    );
    expect(attempts.body.data.filter((a) => a.type === 'ACCOUNT_CREATED').map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });
});

describe('faults', () => {
  it('tokenTtlSeconds: an expired token gives 401 INVALID_TOKEN on connect', async () => {
    let now = new Date('2031-05-01T08:00:00Z');
    const { sandbox } = await setup({}, undefined, () => now);
    await sandbox.call('POST', '/sandbox/v1/faults', { tokenTtlSeconds: 60 });
    const { userToken } = await sandbox.createUser();
    const expires = await sandbox.call<{ token: { expiresAt: string } }>('POST', '/v1/users', {});
    expect(expires.body.data.token.expiresAt).toBe('2031-05-01T08:01:00Z');
    now = new Date('2031-05-01T08:01:01Z');
    const answer = await connect(sandbox, george(userToken));
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('INVALID_TOKEN');
    expect(sandbox.sandbox.sandboxState.accounts.size).toBe(0);
  });

  it('dropEventTypes: those events are never delivered, the rest are', async () => {
    const { sandbox, receiver, user } = await setup();
    await sandbox.call('POST', '/sandbox/v1/faults', { dropEventTypes: ['TASK_FINISHED', 'ACCOUNT_CONNECTED'] });
    await connect(sandbox, george(user.userToken));
    await sandbox.sandbox.sandboxWebhooks.idle();
    expect(linkTypes(receiver.types())).toEqual(
      GEORGE_CONNECT_EVENTS.filter((t) => t !== 'TASK_FINISHED' && t !== 'ACCOUNT_CONNECTED'),
    );
  });

  it('duplicateEvents: every event arrives twice with the same id', async () => {
    const { sandbox, receiver, user } = await setup();
    await sandbox.call('POST', '/sandbox/v1/faults', { duplicateEvents: true });
    await connect(sandbox, george(user.userToken));
    await sandbox.sandbox.sandboxWebhooks.idle();
    const link = receiver.received.slice(1);
    expect(link.map((r) => r.body.type)).toEqual(GEORGE_CONNECT_EVENTS.flatMap((t) => [t, t]));
    for (let i = 0; i < link.length; i += 2) expect(link[i]!.body.id).toBe(link[i + 1]!.body.id);
  });

  it('reorderEvents: a burst arrives in reverse order', async () => {
    const { sandbox, receiver, user } = await setup();
    await sandbox.call('POST', '/sandbox/v1/faults', { reorderEvents: true });
    await connect(sandbox, george(user.userToken));
    await sandbox.sandbox.sandboxWebhooks.idle();
    expect(linkTypes(receiver.types())).toEqual([...GEORGE_CONNECT_EVENTS].reverse());
  });

  it('deliveryDelayMs: nothing arrives before the delay, everything after it', async () => {
    const { sandbox, receiver, user } = await setup();
    await sandbox.sandbox.sandboxWebhooks.idle();
    await sandbox.call('POST', '/sandbox/v1/faults', { deliveryDelayMs: 1_500 });
    await connect(sandbox, george(user.userToken));
    expect(linkTypes(receiver.types())).toEqual([]);
    await eventually(() => linkTypes(receiver.types()).length === GEORGE_CONNECT_EVENTS.length, 'delayed events');
    expect(linkTypes(receiver.types())).toEqual(GEORGE_CONNECT_EVENTS);
  });

  it('failDeliveriesFirstN: the first attempts fail, retries deliver; past two retries an event is lost', async () => {
    const { sandbox, receiver, user } = await setup();
    await sandbox.sandbox.sandboxWebhooks.idle();
    await sandbox.call('POST', '/sandbox/v1/faults', { failDeliveriesFirstN: 3 });
    await connect(sandbox, george(user.userToken));
    await sandbox.sandbox.sandboxWebhooks.idle();
    expect(linkTypes(receiver.types())).toEqual(GEORGE_CONNECT_EVENTS.slice(1));
    const attempts = await sandbox.call<{ type: string; attempt: number; simulatedFailure: boolean }[]>(
      'GET',
      '/sandbox/v1/deliveries',
    );
    const created = attempts.body.data.filter((a) => a.type === 'ACCOUNT_CREATED');
    expect(created.map((a) => [a.attempt, a.simulatedFailure])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
  });

  it('DELETE /sandbox/v1/faults resets every fault', async () => {
    const { sandbox, receiver, user } = await setup();
    await sandbox.call('POST', '/sandbox/v1/faults', {
      dropEventTypes: ['TASK_FINISHED'],
      reorderEvents: true,
      duplicateEvents: true,
    });
    const reset = await sandbox.call('DELETE', '/sandbox/v1/faults');
    expect(reset.body.data).toMatchObject({
      dropEventTypes: [],
      reorderEvents: false,
      duplicateEvents: false,
      failDeliveriesFirstN: 0,
    });
    await connect(sandbox, george(user.userToken));
    await sandbox.sandbox.sandboxWebhooks.idle();
    expect(linkTypes(receiver.types())).toEqual(GEORGE_CONNECT_EVENTS);
  });

  it('rejects unknown faults with 400 INVALID_PARAMETERS', async () => {
    const { sandbox } = await setup();
    const answer = await sandbox.call('POST', '/sandbox/v1/faults', { dropEverything: true });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('INVALID_PARAMETERS');
  });
});

describe('continuous data sync (POST /sandbox/v1/accounts/:accountId/sync)', () => {
  type Sent = { type: string; data: Record<string, unknown> & { payload?: Record<string, unknown> } };
  const items = (payload: Record<string, unknown> | undefined, key: string) =>
    ((payload?.[key] as { items: Record<string, unknown>[] }).items ?? []) as Record<string, unknown>[];

  it('ends the current employment, scales the incomes, and emits ACCOUNT_SYNC_TASK_FINISHED with the payload', async () => {
    const { sandbox, receiver, user } = await setup({ eventTypes: ['ALL_EVENTS'] });
    const linked = await connect(sandbox, george(user.userToken));
    const accountId = (linked.body as unknown as { data: { account: { id: string } } }).data.account.id;
    await eventually(() => receiver.types().includes('TASK_FINISHED'), 'the first sync');
    const first = receiver.received.find((r) => (r.body as Sent).type === 'TASK_FINISHED')!.body as Sent;

    const answer = await sandbox.call('POST', `/sandbox/v1/accounts/${accountId}/sync`, {
      endEmployment: true,
      incomeFactor: 0.5,
    });
    expect(answer.status).toBe(200);
    await eventually(() => receiver.types().includes('ACCOUNT_SYNC_TASK_FINISHED'), 'the refresh');
    const sync = receiver.received.find((r) => (r.body as Sent).type === 'ACCOUNT_SYNC_TASK_FINISHED')!.body as Sent;
    expect(sync.data).toMatchObject({
      userId: user.userId,
      sourceId: accountId,
      sourceType: 'ACCOUNT',
      status: 'SUCCEEDED',
      dataPoints: expect.arrayContaining(['IDENTITIES', 'EMPLOYMENTS', 'INCOMES']),
    });
    // The job that was open now ended yesterday; every income halved.
    const open = items(first.data.payload, 'employments').filter((e) => e.endDate === null);
    expect(open.length).toBeGreaterThan(0);
    const after = new Map(items(sync.data.payload, 'employments').map((e) => [e.id, e]));
    for (const job of open) expect(after.get(job.id)!.endDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const incomeBefore = items(first.data.payload, 'incomes')[0]!;
    const incomeAfter = items(sync.data.payload, 'incomes').find((i) => i.id === incomeBefore.id)!;
    expect(incomeAfter.grossAmount).toBe(Math.round((incomeBefore.grossAmount as number) * 50) / 100);
  });

  it('answers an unknown account 404 and a bad body 400, in Smile error shape', async () => {
    const { sandbox, user } = await setup();
    const missing = await sandbox.call('POST', '/sandbox/v1/accounts/a-unknown/sync', {});
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'MISSING_RESOURCE', message: 'Account not found' });
    const linked = await connect(sandbox, george(user.userToken));
    const accountId = (linked.body as unknown as { data: { account: { id: string } } }).data.account.id;
    const bad = await sandbox.call('POST', `/sandbox/v1/accounts/${accountId}/sync`, { incomeFactor: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_PARAMETERS', message: expect.stringContaining('incomeFactor') });
  });
});
