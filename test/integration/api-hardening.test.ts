import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_TIMEOUTS } from '../../api/app.js';
import erasureRoutes from '../../api/routes/erasure.js';
import { buildTestApp } from '../support/app.js';
import { auth } from '../support/stack.js';
import { postWebhook, smileEvent } from '../support/webhooks.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function appWith(overrides: Record<string, string> = {}) {
  const built = await buildTestApp(overrides);
  cleanups.push(built.close);
  return built.app;
}

describe('API hardening', () => {
  it('rate-limits /v1 per key with 429, and never the webhooks', async () => {
    const app = await appWith({ API_RATE_LIMIT_PER_MINUTE: '3' });
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await app.inject({ method: 'GET', url: '/v1/verifications/verification-x', headers: auth })).statusCode,
      );
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    for (let i = 0; i < 5; i++)
      expect((await postWebhook(app, smileEvent('USER_CREATED', { userId: 'tenantId-rl' }))).statusCode).toBe(200);
  });

  it('titles every problem in words, never a framework code: empty JSON body, too large, wrong media type, bad JSON', async () => {
    const app = await appWith();
    const json = { ...auth, 'content-type': 'application/json' };
    const cases = [
      { url: '/v1/verifications', headers: json, payload: '', status: 400 },
      { url: '/v1/verifications', headers: json, payload: '{"externalUserId":', status: 400 },
      {
        url: '/v1/verifications',
        headers: { ...auth, 'content-type': 'application/xml' },
        payload: '<a/>',
        status: 415,
      },
      { url: '/webhooks/smile', headers: json, payload: `{"a":"${'x'.repeat(11 * 1024 * 1024)}"}`, status: 413 },
    ];
    for (const { url, headers, payload, status } of cases) {
      const response = await app.inject({ method: 'POST', url, headers, payload });
      expect(response.statusCode, `${url} ${payload.slice(0, 20)}`).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json<{ title: string; detail: string }>();
      expect(problem.title).not.toMatch(/FST_|ERR_|^[A-Z_]+$/);
      expect(problem.title).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
      expect(problem.detail).not.toMatch(/FST_ERR/);
    }
  });

  it('answers a request whose handler is silent for longer than 10 s (a start waiting for its workflow)', async () => {
    const server = Fastify(SERVER_TIMEOUTS);
    server.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      return { ok: true };
    });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => server.close());
    const response = await fetch(`${url}/slow`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  }, 20_000);

  it('fails at boot when a route plugin is registered without the auth plugin it needs', async () => {
    const bare = Fastify();
    await expect(
      bare.register(erasureRoutes, { sql: undefined as never, client: undefined as never, taskQueue: 'q' }).ready(),
    ).rejects.toThrow(/auth/);
  });

  it('logs one line per request, and a webhook answered 2xx only at debug', async () => {
    const lines: { msg: string; route?: string; status?: number; level: number }[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const built = await buildTestApp({}, { logger: { level: 'info', stream } });
    cleanups.push(built.close);
    await built.app.inject({ method: 'GET', url: '/v1/verifications/verification-nobody', headers: auth });
    await postWebhook(built.app, smileEvent('TASK_STARTED', { userId: 'tenantId-log' }));
    expect(lines.map(({ msg, route, status }) => ({ msg, route, status }))).toEqual([
      { msg: 'request', route: '/v1/verifications/:id', status: 404 },
    ]);
  });

  it('sends security headers', async () => {
    const app = await appWith();
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeDefined();
  });

  it('counts webhooks by type and outcome, and reports inbox depth on /metrics', async () => {
    const app = await appWith();
    const event = smileEvent('TASK_STARTED', { userId: 'tenantId-metrics' });
    await postWebhook(app, event);
    await postWebhook(app, event);
    await postWebhook(app, event, { signature: 'bad' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(
      /smile_verify_webhooks_received_total\{source="smile",type="TASK_STARTED",outcome="accepted"\} 1/,
    );
    expect(text).toMatch(
      /smile_verify_webhooks_received_total\{source="smile",type="TASK_STARTED",outcome="duplicate"\} 1/,
    );
    expect(text).toMatch(
      /smile_verify_webhooks_received_total\{source="smile",type="unknown",outcome="rejected_signature"\} 1/,
    );
    expect(text).toMatch(/smile_verify_inbox_pending \d+/);
    expect(text).toMatch(/smile_verify_relay_lag_seconds/);
  });
});
