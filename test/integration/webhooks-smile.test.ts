import { setTimeout as sleep } from 'node:timers/promises';
import { createHmac, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createSql } from '../../db/client.js';
import { deliverPending } from '../../api/webhooks/relay.js';
import { deliverEvents } from '../../api/webhooks/deliver.js';
import { smileInboxEvent } from '../../db/inbox.js';
import { webhookEnvelopeSchema } from '../../smile/webhooks.js';
import { insertEvents } from '../../db/inbox.js';
import { statusQuery } from '../../workflows/messages.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { verificationWorkflowId } from '../../workflows/ids.js';
import { freePort } from '../../scripts/ports.js';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { smileSandboxRequest, useStack, testConfig } from '../support/stack.js';
import { postWebhook, settledState, smileEvent, smileSignature } from '../support/webhooks.js';
import { saveHistory, smileEventSignals } from '../support/history.js';

const stack = useStack();

const rows = async (id: string) => (await stack.sql`select id, state from inbox_events where id = ${id}`).length;
/** How many times the workflow was signalled with this event (in a `smileEvents` or a `smileEvent` signal). */
async function signalCount(workflowId: string, eventId: string): Promise<number> {
  let count = 0;
  for (let i = 0; i < 20 && count === 0; i++, await sleep(100)) {
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const signals = await smileEventSignals(history, stack.client.workflow.options.loadedDataConverter);
    count = signals.flat().filter((ref) => ref.eventId === eventId).length;
  }
  return count;
}

/** Runs relay passes until the event is delivered: another test file's relay may hold the lock for a moment. */
async function relayUntilDelivered(id: string): Promise<string> {
  let state = '';
  for (let i = 0; i < 50 && state !== 'delivered'; i++) {
    await deliverPending({ sql: stack.sql, client: stack.client });
    state = (await stack.sql`select state from inbox_events where id = ${id}`)[0]!.state as string;
    if (state !== 'delivered') await sleep(100);
  }
  return state;
}

describe('POST /webhooks/smile rejects what it must', () => {
  const body = smileEvent('ACCOUNT_CREATED', { userId: 'tenantId-x' });
  const raw = JSON.stringify(body);

  it.each([
    ['no signature', null],
    ['a wrong signature', smileSignature(raw, 'another-secret')],
    ['a truncated signature', smileSignature(raw).slice(0, 64)],
    ['another algorithm', createHmac('sha256', 'sandbox-webhook-secret').update(raw).digest('hex')],
    ['a signature of another body', smileSignature(raw + ' ')],
  ])('401 for %s, and nothing stored', async (_name, signature) => {
    const response = await postWebhook(stack.app, raw, { signature });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await rows(body.id)).toBe(0);
  });

  it('400 for a valid signature over non-JSON or a non-envelope', async () => {
    expect((await postWebhook(stack.app, 'not json')).statusCode).toBe(400);
    expect((await postWebhook(stack.app, { hello: 'world' })).statusCode).toBe(400);
    expect((await postWebhook(stack.app, [1, 2, 3])).statusCode).toBe(400);
  });

  it('413 over 10 MB, 415 for another content type', async () => {
    const huge = JSON.stringify({ ...body, data: { userId: 'x', blob: 'a'.repeat(10 * 1024 * 1024) } });
    expect((await postWebhook(stack.app, huge)).statusCode).toBe(413);
    expect((await postWebhook(stack.app, raw, { contentType: 'text/plain' })).statusCode).toBe(415);
  });

  it('honours X-Forwarded-For only from a trusted proxy', async () => {
    const config = testConfig({ SMILE_WEBHOOK_ALLOWED_IPS: '18.142.61.230', TRUSTED_PROXIES: '127.0.0.1' });
    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql: stack.sql, temporal });
    try {
      const raw = JSON.stringify(smileEvent('USER_CREATED', { userId: 'tenantId-proxy' }));
      const via = (forwardedFor: string) =>
        app.inject({
          method: 'POST',
          url: '/webhooks/smile',
          payload: raw,
          headers: {
            'content-type': 'application/json',
            'smile-signature': smileSignature(raw),
            'x-forwarded-for': forwardedFor,
          },
        });
      expect((await via('18.142.61.230')).statusCode).toBe(200);
      expect((await via('10.1.2.3')).statusCode).toBe(403);
    } finally {
      await app.close();
      await temporal.connection.close();
    }
  });

  it('403 from an address outside the allow-list', async () => {
    const config = testConfig({ SMILE_WEBHOOK_ALLOWED_IPS: '18.142.61.230' });
    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql: stack.sql, temporal });
    try {
      const response = await postWebhook(app, smileEvent('ACCOUNT_CREATED', { userId: 'tenantId-x' }));
      expect(response.statusCode).toBe(403);
    } finally {
      await app.close();
      await temporal.connection.close();
    }
  });
});

describe('POST /webhooks/smile accepts and delivers', () => {
  it('accepts every example payload of tag-webhooks.md, signed', async () => {
    const examples = JSON.parse(
      await readFile(new URL('../fixtures/webhooks/tag-webhooks-examples.json', import.meta.url), 'utf8'),
    ) as { id: string }[];
    expect(examples.length).toBeGreaterThanOrEqual(26);
    for (const [i, example] of examples.entries()) {
      const event = { ...example, id: `${example.id}-${randomUUID()}-${i}` };
      const response = await postWebhook(stack.app, event);
      expect(response.statusCode, JSON.stringify(example).slice(0, 80)).toBe(200);
      expect(await rows(event.id)).toBe(1);
    }
  });

  it('a duplicate answers 200 with one row and one signal', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('dup') });
    const event = smileEvent('ACCOUNT_CREATED', { userId: started.smileUserId });
    expect((await postWebhook(stack.app, event)).statusCode).toBe(200);
    const again = await postWebhook(stack.app, event);
    expect(again.statusCode).toBe(200);
    expect(again.json().duplicate).toBe(true);
    expect(await rows(event.id)).toBe(1);
    expect(await signalCount(started.verificationId, event.id)).toBe(1);
  });

  it('keeps an event received before a run started an orphan: never delivered to that run', async () => {
    const external = uniqueUser('late');
    const { user } = (await smileSandboxRequest(stack.sandboxUrl, 'POST', '/v1/users', {})) as { user: { id: string } };
    const smileUserId = user.id;
    const event = smileEvent('ACCOUNT_CREATED', { userId: smileUserId });
    expect((await postWebhook(stack.app, event)).statusCode).toBe(200);
    expect(await settledState(stack.sql, event.id)).toBe('orphan');
    await stack.sql`insert into smile_users (smile_user_id, external_user_id) values (${smileUserId}, ${external})`;
    const started = await startVerification(stack, { externalUserId: external });
    expect(started.smileUserId).toBe(smileUserId);
    for (let i = 0; i < 5; i++) await deliverPending({ sql: stack.sql, client: stack.client });
    expect((await stack.sql`select state from inbox_events where id = ${event.id}`)[0]!.state).toBe('orphan');
    expect(await signalCount(verificationWorkflowId(external), event.id)).toBe(0);

    // An orphan that came while the run was running (Temporal could not be reached then) is still delivered.
    const during = smileEvent('ACCOUNT_CREATED', { userId: smileUserId });
    await insertEvents(stack.sql, [{ event: smileInboxEvent(webhookEnvelopeSchema.parse(during)), body: during }]);
    await stack.sql`update inbox_events set state = 'orphan' where id = ${during.id}`;
    expect(await relayUntilDelivered(during.id)).toBe('delivered');
    expect(await signalCount(verificationWorkflowId(external), during.id)).toBe(1);
  });
});

describe('progress events', () => {
  it('are routed and recorded, not signalled: only events that can change the course reach the workflow', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('progress') });
    const progress = ['TASK_STARTED', 'EMPLOYMENTS_ADDED', 'INCOMES_UPDATED', 'SOMETHING_NEW'].map((type) =>
      smileEvent(type, { userId: started.smileUserId }),
    );
    const created = smileEvent('ACCOUNT_CREATED', {
      userId: started.smileUserId,
      accountId: 'a-progress',
      providerId: 'sss_ph',
    });
    for (const event of [...progress, created]) expect((await postWebhook(stack.app, event)).statusCode).toBe(200);

    expect(await settledState(stack.sql, created.id)).toBe('delivered');
    for (const event of progress) {
      expect(await settledState(stack.sql, event.id)).toBe('recorded');
      expect(
        (await stack.sql`select verification_id from inbox_events where id = ${event.id}`)[0]!.verification_id,
      ).toBe(started.verificationId);
    }
    expect(await signalCount(started.verificationId, created.id)).toBe(1);
    const history = await stack.client.workflow.getHandle(started.verificationId).fetchHistory();
    const signals = await smileEventSignals(history, stack.client.workflow.options.loadedDataConverter);
    expect(signals.map((refs) => refs.map((ref) => ref.eventId))).toEqual([[created.id]]);
  });
});

describe('events due together', () => {
  it('travel in one signal, in order of arrival, progress events left out; the workflow applies each', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('burst') });
    const data = { userId: started.smileUserId, providerId: 'sss_ph' };
    const burst = [
      smileEvent('ACCOUNT_CREATED', { ...data, accountId: 'a-burst-1' }),
      smileEvent('ACCOUNT_CONNECTED', { ...data, accountId: 'a-burst-1' }),
      smileEvent('TASK_STARTED', { ...data, accountId: 'a-burst-1' }),
      smileEvent('ACCOUNT_CREATED', { ...data, accountId: 'a-burst-2' }),
    ].map((body) => ({ event: { ...smileInboxEvent(webhookEnvelopeSchema.parse(body)) }, body }));
    await insertEvents(stack.sql, burst);
    const now = new Date();
    const outcomes = await deliverEvents(
      { sql: stack.sql, client: stack.client },
      burst.map(({ event }) => ({ ...event, receivedAt: now })),
    );
    expect([...outcomes.values()]).toEqual(['delivered', 'delivered', 'recorded', 'delivered']);

    const history = await stack.client.workflow.getHandle(started.verificationId).fetchHistory();
    const signals = await smileEventSignals(history, stack.client.workflow.options.loadedDataConverter);
    expect(signals.map((refs) => refs.map((ref) => ref.eventId))).toEqual([[0, 1, 3].map((i) => burst[i]!.event.id)]);
    const accounts = async () =>
      (await stack.client.workflow.getHandle(started.verificationId).query(statusQuery)).accounts;
    let seen = await accounts();
    for (let i = 0; i < 50 && seen.length < 2; i++, await sleep(100)) seen = await accounts();
    expect(seen.map((a) => [a.accountId, a.status])).toEqual([
      ['a-burst-1', 'CONNECTED'],
      ['a-burst-2', 'CREATED'],
    ]);
    // Recorded for test/replay: a run that took several references in one signal.
    const handle = stack.client.workflow.getHandle(started.verificationId);
    await handle.cancel();
    await handle.result();
    await saveHistory('smile-events-burst', handle);
  });
});

describe('when a dependency is down', () => {
  it('Postgres down → 503 (Smile retries), nothing stored', async () => {
    const config = testConfig();
    const dead = createSql(`postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, { max: 1 });
    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql: dead, temporal });
    try {
      const event = smileEvent('ACCOUNT_CREATED', { userId: 'tenantId-x' });
      const response = await postWebhook(app, event);
      expect(response.statusCode).toBe(503);
      expect(await rows(event.id)).toBe(0);
    } finally {
      await app.close();
      await temporal.connection.close();
      await dead.end({ timeout: 1 });
    }
  });

  it('Temporal down → 200, kept pending, delivered by the relay once Temporal answers', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('relay') });
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql: stack.sql, temporal });
    const event = smileEvent('ACCOUNT_CREATED', { userId: started.smileUserId });
    try {
      expect((await postWebhook(app, event)).statusCode).toBe(200);
    } finally {
      await app.close(); // waits for the route's signal attempt
      await temporal.connection.close();
    }
    expect((await stack.sql`select state, attempts from inbox_events where id = ${event.id}`)[0]).toMatchObject({
      state: 'pending',
      attempts: 1,
    });
    await stack.sql`update inbox_events set next_attempt_at = now() where id = ${event.id}`;
    expect(await relayUntilDelivered(event.id)).toBe('delivered');
    expect(await signalCount(started.verificationId, event.id)).toBe(1);
  });
});
