import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { auth, smileSandboxRequest, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

const WINDOW_MS = 90_000;

describe('connection checks of waiting verifications back off', () => {
  it('40 verifications waiting with a 5 s interval ask Smile for accounts at most 6 times each in 90 s', async () => {
    const policy = { connectionCheckInterval: '5s', connectTimeout: '10m' };
    const started = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const run = await startVerification(stack, { externalUserId: uniqueUser('abandoned'), policy });
        return { ...run, at: Date.now() };
      }),
    );
    await sleep(WINDOW_MS + 2_000);
    const requests = (await smileSandboxRequest(stack.sandboxUrl, 'GET', '/sandbox/v1/requests')) as {
      at: number;
      method: string;
      path: string;
      userId?: string;
    }[];
    const checks = started.map(
      ({ smileUserId, at }) =>
        requests.filter(
          (r) => r.method === 'GET' && r.path === '/v1/accounts' && r.userId === smileUserId && r.at <= at + WINDOW_MS,
        ).length,
    );
    // One a 5 s interval would be 18 each; the schedule asks at 5, 15, 35 and 75 s.
    for (const count of checks) {
      expect(count).toBeLessThanOrEqual(6);
      expect(count).toBeGreaterThanOrEqual(3);
    }
    await Promise.all(
      started.map(({ verificationId }) =>
        stack.app.inject({ method: 'POST', url: `/v1/verifications/${verificationId}/cancel`, headers: auth }),
      ),
    );
  }, 180_000);
});
