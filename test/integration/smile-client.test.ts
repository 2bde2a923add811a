import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmileClient, type SmileClient } from '../../smile/index.js';
import { buildSandbox } from '../../sandbox/app.js';
import { SANDBOX_USERS } from '../../sandbox/users.js';

let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
let smile: SmileClient;
let baseUrl: string;
beforeAll(async () => {
  sandbox = await buildSandbox({ apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
  baseUrl = `${await sandbox.listen({ port: 0, host: '127.0.0.1' })}`;
  smile = createSmileClient({ baseUrl: `${baseUrl}/v1`, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
});
afterAll(() => sandbox?.close());

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('the Smile client against the sandbox', () => {
  it('creates a user with a 5-hour token, refreshes it, reads the user', async () => {
    const { user, token } = await smile.createUser({ externalUserId: 'client-test' });
    expect(user.id).toMatch(/^tenantId-/);
    expect(token.mode).toBe('SANDBOX');
    const fresh = await smile.createToken(user.id);
    expect(fresh.accessToken).not.toBe(token.accessToken);
    expect((await smile.getUser(user.id)).id).toBe(user.id);
  });

  it('pages through every data resource of a connected user', async () => {
    const { user, token } = await smile.createUser();
    const george = SANDBOX_USERS.george;
    const connect = await fetch(`${baseUrl}/sandbox/v1/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userToken: token.accessToken,
        username: george.username,
        password: george.password,
        mfaCode: george.mfaCode,
      }),
    });
    expect(connect.status).toBe(200);
    const accounts = await smile.listAccounts({ userId: user.id });
    expect(accounts.items).toHaveLength(1);
    const contributions = [];
    for await (const item of smile.iterateData('contributions', { userId: user.id })) contributions.push(item);
    const pageByPage = await smile.listData('contributions', { userId: user.id, size: 5 });
    expect(pageByPage.items).toHaveLength(5);
    expect(pageByPage.nextCursor).toBeTruthy();
    expect(contributions.length).toBeGreaterThan(5);
    expect(new Set(contributions.map((c) => c.id)).size).toBe(contributions.length);
    for (const resource of ['identities', 'employments', 'incomes', 'eincomes'] as const) {
      const items = [];
      for await (const item of smile.iterateData(resource, { userId: user.id })) items.push(item);
      expect(items.length, resource).toBeGreaterThan(0);
    }
  });

  it('maps Smile errors to non-retryable typed failures', async () => {
    const missing = await failureOf(smile.createToken('tenantId-nobody'));
    expect(missing).toMatchObject({ type: 'SmileMissingResource', nonRetryable: true });
    const wrongKey = createSmileClient({ baseUrl: `${baseUrl}/v1`, apiKey: 'sandbox-key', apiSecret: 'wrong' });
    expect(await failureOf(wrongKey.createUser())).toMatchObject({
      type: 'SmileInvalidCredentials',
      nonRetryable: true,
    });
  });
});

describe('the Smile client against a misbehaving server', () => {
  let server: Server;
  let url: string;
  const seen: IncomingMessage[] = [];
  let answer: (request: IncomingMessage) => { status: number; body?: unknown; delayMs?: number };
  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request);
      const { status, body, delayMs = 0 } = answer(request);
      setTimeout(
        () => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {})),
        delayMs,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const client = (options = {}) => createSmileClient({ baseUrl: url, apiKey: 'k', apiSecret: 's', ...options });

  it('sends Basic auth of key:secret', async () => {
    answer = () => ({
      status: 200,
      body: {
        code: 'OK',
        message: 'Success',
        requestId: 'r',
        data: { id: 'tenantId-1', createdAt: '2026-01-01T00:00:00Z' },
      },
    });
    await client().getUser('tenantId-1');
    expect(seen.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('k:s').toString('base64')}`);
  });

  it.each([
    [429, 'REQUEST_LIMIT_EXCEEDED', 'SmileRequestLimitExceeded'],
    [500, 'SERVER_ERROR', 'SmileServerError'],
    [503, 'SERVER_UNAVAILABLE', 'SmileServerUnavailable'],
    [504, 'TIME_LIMIT_EXCEEDED', 'SmileTimeLimitExceeded'],
  ])('retries %i %s', async (status, code, type) => {
    answer = () => ({ status, body: { code, message: 'no', requestId: 'r', data: {} } });
    expect(await failureOf(client().getUser('x'))).toMatchObject({ type, nonRetryable: false });
  });

  it.each([
    [400, 'INVALID_PARAMETERS'],
    [401, 'INVALID_TOKEN'],
    [403, 'UNAUTHORIZED_ACCESS'],
  ])('does not retry %i %s', async (status, code) => {
    answer = () => ({ status, body: { code, message: 'no', requestId: 'r', data: {} } });
    expect(await failureOf(client().getUser('x'))).toMatchObject({ nonRetryable: true });
  });

  it('retries a timeout, and refuses an answer that does not fit the schema', async () => {
    answer = () => ({ status: 200, delayMs: 300, body: {} });
    expect(await failureOf(client({ timeoutMs: 50 }).getUser('x'))).toMatchObject({
      type: 'SmileTimeout',
      nonRetryable: false,
    });
    answer = () => ({ status: 200, body: { code: 'OK', data: { nothing: true } } });
    expect(await failureOf(client().getUser('x'))).toMatchObject({ type: 'SmileInvalidResponse', nonRetryable: true });
  });
});
