import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmileClient } from '../../smile/index.js';
import { createWorkerMetrics, serveWorkerMetrics } from '../../worker/metrics.js';
import { createWorkerLimiter } from '../../worker/smile.js';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { smileSandboxRequest, startStack, type Stack } from '../support/stack.js';

/**
 * The Smile budget is shared through Postgres (SPEC §2): a second limiter on the
 * same row stands for another worker process whose background work fills it.
 */
const RATE = 2;
const BACKGROUND_CALLS = 30;
const metrics = createWorkerMetrics(RATE);
let stack: Stack;
let metricsUrl: string;
let closeMetrics: () => void;

beforeAll(async () => {
  stack = await startStack({ SMILE_RATE_LIMIT_PER_SECOND: String(RATE) }, { workerMetrics: metrics });
  const served = await serveWorkerMetrics(metrics, { host: '127.0.0.1', port: 0 });
  metricsUrl = served.url;
  closeMetrics = () => served.server.close();
});
afterAll(async () => {
  closeMetrics?.();
  await stack?.close();
});

type Request = { at: number; method: string; path: string; userId?: string };

describe('the shared Smile budget', () => {
  it('gives a start its token before the background work that filled the budget, and counts both on /metrics', async () => {
    const { apiUrl, apiKey, apiSecret } = stack.config.smile;
    const otherWorker = createSmileClient({
      baseUrl: apiUrl,
      apiKey,
      apiSecret,
      limiter: createWorkerLimiter(stack.config, stack.sql),
      context: () => ({ priority: 'background' }),
    });
    const busyUser = `tenantId-${uniqueUser('background')}`;
    const background = Array.from({ length: BACKGROUND_CALLS }, () =>
      otherWorker.listAccounts({ userId: busyUser }).catch(() => undefined),
    );
    // Let the background calls queue up: at 2 a second they fill the next 15 s.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const started = await startVerification(stack, { externalUserId: uniqueUser('priority') });
    await Promise.all(background);

    const requests = (await smileSandboxRequest(stack.sandboxUrl, 'GET', '/sandbox/v1/requests')) as Request[];
    const createdUser = requests.findIndex((r) => r.method === 'POST' && r.path === '/v1/users');
    expect(createdUser).toBeGreaterThanOrEqual(0);
    const backgroundAfter = requests.slice(createdUser).filter((r) => r.userId === busyUser).length;
    // First come, first served would send the start after all of them; it waits behind a few slots at most.
    expect(backgroundAfter).toBeGreaterThanOrEqual(BACKGROUND_CALLS - 8);
    expect(started.link.userToken).toBeTruthy();

    const text = await fetch(metricsUrl).then((r) => r.text());
    expect(text).toMatch(/smile_verify_smile_requests_total\{endpoint="POST \/users",outcome="ok"\} 1\n/);
    expect(text).toMatch(/smile_verify_smile_limiter_wait_seconds_count\{priority="user"\} [1-9]/);
    expect(text).toMatch(/smile_verify_smile_requests_in_flight 0\n/);
    expect(text).toMatch(/smile_verify_smile_budget_requests_per_second 2\n/);
  }, 120_000);
});
