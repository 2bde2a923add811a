import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { buildApp } from '../../api/app.js';
import { startRelay } from '../../api/webhooks/relay.js';
import { createSql, type Sql } from '../../db/client.js';
import { createTemporalClient } from '../../runtime/temporal.js';
import { freePort } from '../../scripts/ports.js';
import { auth, testConfig } from '../support/stack.js';

/** An app whose Temporal or Postgres (or both) point at a port where nothing listens. */
async function appWith({ temporalDown = false, postgresDown = false, withRelay = false, overrides = {} }) {
  const deadPort = await freePort();
  const config = testConfig({ ...(temporalDown ? { TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}` } : {}), ...overrides });
  const url = postgresDown ? `postgres://postgres@127.0.0.1:${deadPort}/nowhere` : config.database.url!;
  const sql: Sql = createSql(url, { max: 1 });
  const temporal = createTemporalClient(config);
  let relay: ReturnType<typeof startRelay> | undefined;
  const app = await buildApp({
    config,
    sql,
    temporal,
    relay: withRelay ? { health: () => relay!.health() } : undefined,
  });
  // Started once the app is built, so a slow build never counts against the relay's stall time.
  if (withRelay) {
    relay = startRelay({
      sql,
      client: temporal.client,
      log: pino({ level: 'silent' }),
      intervalMs: 50,
      stallAfterMs: 1_500,
    });
  }
  cleanups.push(async () => {
    await relay?.stop();
    await app.close();
    await temporal.connection.close().catch(() => {});
    await sql.end({ timeout: 1 });
  });
  return app;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('when a dependency is down', () => {
  it('readyz answers 503 and names Temporal', async () => {
    const app = await appWith({ temporalDown: true });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      detail: 'Temporal unreachable.',
      checks: { postgres: 'ok', temporal: 'unreachable' },
    });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('readyz answers 503 and names Postgres, and then the relay whose passes keep failing', async () => {
    const app = await appWith({ postgresDown: true, withRelay: true });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ checks: { postgres: 'unreachable', temporal: 'ok', relay: 'ok' } });
    await sleep(1_800);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
      detail: 'Postgres unreachable, the inbox relay stalled.',
      checks: { relay: 'stalled' },
    });
  });

  it('sheds load with a 503 problem and Retry-After while the process is past its memory limit', async () => {
    // Any test process holds more than 16 MB of heap: the first pressure sample (every second) trips the limit.
    const app = await appWith({ overrides: { API_MAX_HEAP_USED_MB: '16' } });
    await sleep(1_500);
    const response = await app.inject({ method: 'GET', url: '/v1/verifications/verification-u1', headers: auth });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ status: 503, detail: 'The service is overloaded; retry later.' });
  });

  it('readyz reports a running relay as ok', async () => {
    const app = await appWith({ withRelay: true });
    await sleep(200);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.json()).toEqual({ postgres: 'ok', temporal: 'ok', relay: 'ok' });
  });

  it('POST /v1/verifications answers 503 problem+json, without a stack trace, when Temporal is down', async () => {
    const app = await appWith({ temporalDown: true });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: auth,
      payload: { externalUserId: 'down-t' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().detail).toBe('Temporal is unreachable; retry later.');
    expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('POST and GET answer 503 when Postgres is down', async () => {
    const app = await appWith({ postgresDown: true });
    const post = await app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: auth,
      payload: { externalUserId: 'down-p' },
    });
    expect(post.statusCode).toBe(503);
    expect(post.json().detail).toBe('The database is unreachable; retry later.');
    const get = await app.inject({ method: 'GET', url: '/v1/verifications/verification-down-p', headers: auth });
    expect(get.statusCode).toBe(503);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const app = await appWith({});
    const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/v1/verifications', '/v1/verifications/{id}']),
    );
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
