import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createSql, type Sql } from '../../db/client.js';
import { deliverPending } from '../../api/webhooks/relay.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { migrate } from '../../db/migrate.js';
import { dropDatabase, ensureDatabase } from '../../db/client.js';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-server.js';
import { SMILE_EVENTS_PER_SIGNAL } from '../../workflows/messages.js';
import { resolvePolicy } from '../../workflows/policy.js';
import { freePort } from '../../scripts/ports.js';
import { testConfig } from '../support/stack.js';
import { postWebhook, smileEvent } from '../support/webhooks.js';
import { smileEventSignals } from '../support/history.js';

/** Its own Temporal dev server, file-backed, so this test can stop and restart it. */
let dir: string;
let server: DevServer;
let port: number;
let sql: Sql;
let databaseUrl: string | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smile-verify-relay-'));
  port = await freePort();
  server = await startTemporalDevServer({
    binary: await resolveTemporalBinary(),
    port,
    dbFile: join(dir, 'temporal.db'),
  });
  // Its own database too: a relay pass delivers every due event in the inbox, so sharing
  // one with other test files would let their relays and this one take each other's events.
  const url = new URL(testConfig().database.url!);
  url.pathname = `/smile_verify_relay_${randomUUID().slice(0, 8)}`;
  databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  sql = createSql(databaseUrl, { max: 2 });
  await migrate(sql);
});
afterAll(async () => {
  await server?.stop();
  await sql?.end({ timeout: 1 });
  if (databaseUrl) await dropDatabase(databaseUrl);
  await rm(dir, { recursive: true, force: true });
});

describe('the relay', () => {
  it('delivers 100 events that arrived while Temporal was down, each exactly once', async () => {
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DATABASE_URL: databaseUrl! });
    const external = `relay-${randomUUID()}`;
    const smileUserId = `tenantId-${randomUUID().replaceAll('-', '')}`;
    await sql`insert into smile_users (smile_user_id, external_user_id) values (${smileUserId}, ${external})`;
    // No worker is needed: Temporal records signals in the history either way.
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const workflowId = `verification-${external}`;
    await client.workflow.start('verificationWorkflow', {
      workflowId,
      taskQueue: 'relay-test-no-worker',
      args: [{ externalUserId: external, requestId: randomUUID(), policy: resolvePolicy() }],
    });
    await connection.close();
    await server.stop();

    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql, temporal });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const event = smileEvent('ACCOUNT_CREATED', { userId: smileUserId, n: i });
      ids.push(event.id);
      expect((await postWebhook(app, event)).statusCode).toBe(200);
    }
    // The route's own signal attempts (after each 200) settle before Temporal comes back.
    await app.close();
    await temporal.connection.close();
    expect(
      (await sql`select count(*)::int as n from inbox_events where id = any(${ids}) and state = 'pending'`)[0]!.n,
    ).toBe(100);

    server = await startTemporalDevServer({
      binary: await resolveTemporalBinary(),
      port,
      dbFile: join(dir, 'temporal.db'),
    });
    const back = new Client({ connection: await Connection.connect({ address: server.address }) });
    await sql`update inbox_events set next_attempt_at = now() where id = any(${ids})`;
    // Other test files may run a relay pass at the same time (one holds the lock at a time): keep passing until done.
    const delivered = async () =>
      (await sql`select count(*)::int as n from inbox_events where id = any(${ids}) and state = 'delivered'`)[0]!
        .n as number;
    for (let pass = 0; pass < 100 && (await delivered()) < 100; pass++) {
      if ((await deliverPending({ sql, client: back })) === 0) await sleep(100);
    }
    // A second relay pass finds nothing left: no event is signalled twice.
    await deliverPending({ sql, client: back });
    expect(
      (await sql`select count(*)::int as n from inbox_events where id = any(${ids}) and state = 'delivered'`)[0]!.n,
    ).toBe(100);

    const history = await back.workflow.getHandle(workflowId).fetchHistory();
    const signals = await smileEventSignals(history, back.workflow.options.loadedDataConverter);
    expect(signals.flat().map((ref) => ref.eventId)).toEqual(ids); // all 100, once each, in order of arrival
    // Due together, they travel together: fewer signals than events, none over the per-signal cap.
    expect(signals.length).toBeLessThan(ids.length);
    expect(Math.max(...signals.map((refs) => refs.length))).toBeLessThanOrEqual(SMILE_EVENTS_PER_SIGNAL);
    await back.connection.close();
  });

  it("a user's events reach the workflow in order of arrival across a paused Temporal", async () => {
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DATABASE_URL: databaseUrl! });
    const external = `order-${randomUUID()}`;
    const smileUserId = `tenantId-${randomUUID().replaceAll('-', '')}`;
    await sql`insert into smile_users (smile_user_id, external_user_id) values (${smileUserId}, ${external})`;
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const workflowId = `verification-${external}`;
    await client.workflow.start('verificationWorkflow', {
      workflowId,
      taskQueue: 'relay-test-no-worker',
      args: [{ externalUserId: external, requestId: randomUUID(), policy: resolvePolicy() }],
    });
    const temporal = createTemporalClient(config);
    const app = await buildApp({ config, sql, temporal });
    const account = { userId: smileUserId, accountId: `a-${randomUUID().slice(0, 8)}`, providers: ['sss'] };
    const connected = smileEvent('ACCOUNT_CONNECTED', account);
    const disconnected = smileEvent('ACCOUNT_DISCONNECTED', account);
    const attempts = async (id: string) =>
      (await sql<{ attempts: number; state: string }[]>`select attempts, state from inbox_events where id = ${id}`)[0];
    try {
      // Temporal stops answering (the process is paused, its connections stay open).
      server.process.kill('SIGSTOP');
      expect((await postWebhook(app, connected)).statusCode).toBe(200);
      for (let i = 0; i < 100 && ((await attempts(connected.id))?.attempts ?? 0) < 1; i++) await sleep(200);
      expect(await attempts(connected.id)).toMatchObject({ state: 'pending', attempts: expect.any(Number) });
    } finally {
      server.process.kill('SIGCONT');
    }
    // After a longer outage its backoff has grown to minutes.
    await sql`update inbox_events set next_attempt_at = now() + interval '5 minutes' where id = ${connected.id}`;
    // Temporal is back: the newer event arrives and must not overtake the older one.
    expect((await postWebhook(app, disconnected)).statusCode).toBe(200);
    const ids = [connected.id, disconnected.id];
    const delivered = async () =>
      (await sql`select count(*)::int as n from inbox_events where id = any(${ids}) and state = 'delivered'`)[0]!
        .n as number;
    for (let pass = 0; pass < 100 && (await delivered()) < 2; pass++) {
      if ((await deliverPending({ sql, client })) === 0) await sleep(200);
    }
    await app.close();
    await temporal.connection.close();
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const signals = await smileEventSignals(history, client.workflow.options.loadedDataConverter);
    expect(signals.flat().map((ref) => ref.eventId)).toEqual(ids);
    await client.connection.close();
  });
});
