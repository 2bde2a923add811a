import { testDatabaseUrl } from '../support/stack.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freePort } from '../../scripts/ports.js';
import { buildTestApp } from '../support/app.js';
import { postWebhook, smileEvent, smileSignature } from '../support/webhooks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let built: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  built = await buildTestApp();
});
afterAll(() => built.close());

const storedIds = async (ids: string[]) =>
  (await built.sql<{ id: string }[]>`select id from inbox_events where id = any(${ids})`).map((row) => row.id).sort();

describe('group commit in the inbox', () => {
  it('answers each of many concurrent requests once its row is committed; a repeated id is new exactly once', async () => {
    const events = Array.from({ length: 100 }, (_, i) =>
      smileEvent('TASK_STARTED', { userId: `tenantId-gc-${i % 7}`, sourceId: `a-gc-${i}` }),
    );
    // Every event three times at once: in one batch, across batches, or already stored.
    const answers = await Promise.all([...events, ...events, ...events].map((event) => postWebhook(built.app, event)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    const fresh = answers.filter((answer) => answer.json<{ duplicate: boolean }>().duplicate === false);
    expect(fresh).toHaveLength(events.length);
    const ids = events.map((event) => event.id);
    expect(await storedIds(ids)).toEqual([...ids].sort());
    const [row] = await built.sql`select type, smile_user_id, account_id from inbox_events where id = ${ids[3]!}`;
    expect(row).toEqual({ type: 'TASK_STARTED', smile_user_id: 'tenantId-gc-3', account_id: 'a-gc-3' });
  });

  it('a row Postgres refuses fails only its own request, never the batch it shares', async () => {
    const good = Array.from({ length: 20 }, () => smileEvent('TASK_STARTED', { userId: 'tenantId-gc-bad' }));
    // jsonb has no NUL character: this row's insert fails inside a batch of good ones.
    const poison = smileEvent('TASK_STARTED', { userId: 'tenantId-gc-bad', note: 'a\u0000b' });
    const answers = await Promise.all(
      [...good, poison, ...good.map((e) => ({ ...e }))].map((e) => postWebhook(built.app, e)),
    );
    for (const answer of answers.slice(0, 20)) expect(answer.statusCode).toBe(200);
    expect(await storedIds(good.map((event) => event.id))).toEqual(good.map((event) => event.id).sort());
  });

  it('loses no acknowledged event when the API is killed mid-batch', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const api = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: testDatabaseUrl(),
        DATABASE_POOL_SIZE: String(inject('databasePoolSize')),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    api.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => api.once('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    const healthy = () =>
      fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    for (let i = 0; i < 480 && !(await healthy()); i++) await sleep(250);
    expect(await healthy(), output).toBe(true);

    const acknowledged: string[] = [];
    const sent: string[] = [];
    let killed = false;
    const post = async (i: number) => {
      const event = smileEvent('TASK_STARTED', { userId: `tenantId-kill-${i % 13}` });
      const body = JSON.stringify(event);
      sent.push(event.id);
      const answer = await fetch(`${url}/webhooks/smile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'smile-signature': smileSignature(body) },
        body,
      }).catch(() => undefined);
      if (answer?.status === 200) acknowledged.push(event.id);
    };
    await Promise.all(
      Array.from({ length: 32 }, async (_, lane) => {
        for (let i = lane; i < 3_200 && !killed; i += 32) {
          await post(i);
          if (!killed && acknowledged.length >= 400) {
            killed = true;
            api.kill('SIGKILL');
          }
        }
      }),
    );
    if (!killed) api.kill('SIGKILL');
    await exited;
    expect(killed, output).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);
    // Requests were in flight when it died: some unanswered, every answered one stored.
    expect(sent.length).toBeGreaterThan(acknowledged.length);
    expect(await storedIds(acknowledged)).toEqual([...acknowledged].sort());
  });
});
