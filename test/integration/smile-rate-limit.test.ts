import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runEntrypoint, until } from '../support/entrypoint.js';
import * as journey from '../support/journeys.js';
import { smileSandboxRequest, startStack, type Stack, testDatabaseUrl } from '../support/stack.js';
import { freePort } from '../../scripts/ports.js';

/**
 * SMILE_RATE_LIMIT_PER_SECOND is the deployment's total (SPEC §2): the test's
 * in-process worker and a second worker process (`npm run worker`) on one dev
 * server, and the sandbox (in its own process, so this one's load does not
 * bunch its arrivals) counts the Smile API requests it receives.
 */
const RATE = 5;
let stack: Stack;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const port = await freePort();
  const sandbox = runEntrypoint('sandbox/server.ts', { SANDBOX_PORT: String(port) });
  children.push(sandbox.child);
  expect(await until(() => sandbox.output().includes('Smile sandbox on')), sandbox.output()).toBe(true);
  stack = await startStack(
    { SMILE_RATE_LIMIT_PER_SECOND: String(RATE) },
    { externalSandboxUrl: `http://127.0.0.1:${port}` },
  );
  const worker = runEntrypoint('worker/main.ts', {
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_POOL_SIZE: String(inject('databasePoolSize')),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
    SMILE_API_URL: stack.config.smile.apiUrl,
    SMILE_RATE_LIMIT_PER_SECOND: String(RATE),
    WORKER_METRICS_PORT: '0',
  });
  children.push(worker.child);
  expect(await until(() => worker.output().includes('worker polling'), 120_000), worker.output()).toBe(true);
}, 180_000);
afterAll(async () => {
  children.forEach((child) => child.kill('SIGTERM'));
  await stack?.close();
});

/** The most requests in any one-second window. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** The workers that ran the runs' activities (`identity` of each ActivityTaskStarted). */
async function activityWorkers(ids: string[]): Promise<Set<string>> {
  const identities = new Set<string>();
  for (const id of ids) {
    const { events } = await stack.client.workflow.getHandle(id).fetchHistory();
    for (const event of events ?? []) {
      const identity = event.activityTaskStartedEventAttributes?.identity;
      if (identity) identities.add(identity);
    }
  }
  return identities;
}

describe('the Smile rate limit across workers', () => {
  it(`two workers together keep to ${RATE} requests a second`, async () => {
    await journey.setFaults(stack, { dropEventTypes: ['TASK_FINISHED'] });
    const policy = { connectTimeout: '5m', dataTimeout: '1s' };
    const applicant = { fullName: journey.SANDBOX_USERS.george.fullName };
    // Each start creates a Smile user; each connected run fetches five kinds of data from the Smile API.
    const started = await Promise.all(
      Array.from({ length: 16 }, () =>
        journey.startVerification(stack, { externalUserId: journey.uniqueUser('rate'), applicant, policy }),
      ),
    );
    const linked = started.slice(0, 8);
    for (const run of linked) await journey.connect(stack, run.link.userToken, journey.SANDBOX_USERS.george);
    for (const run of linked) {
      const doc = await journey.waitUntilClosed(stack, run.verificationId, 120_000);
      expect(doc.decision?.outcome).toBe('APPROVED');
    }
    // The Smile API the workers called; not the test's own webhook registration.
    const requests = (await smileSandboxRequest(stack.sandboxUrl, 'GET', '/sandbox/v1/requests')) as {
      at: number;
      path: string;
    }[];
    const received = requests.filter((request) => request.path !== '/v1/webhooks').map((request) => request.at);
    expect(received.length).toBeGreaterThanOrEqual(16 + 8 * 5);
    expect((await activityWorkers(started.map((run) => run.verificationId))).size).toBe(2);
    // One request more than the rate is the jitter of two busy processes and the network (slots are 1.1/rate s
    // apart, sent at most 100 ms late); workers that each kept their own limit would send twice the rate.
    expect(busiestSecond(received)).toBeLessThanOrEqual(RATE + 1);
    expect((received.length - 1) / ((Math.max(...received) - Math.min(...received)) / 1_000)).toBeLessThanOrEqual(RATE);
  }, 180_000);
});
