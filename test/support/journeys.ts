import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusDocument } from '../../workflows/types.js';
import { auth, type Stack } from './stack.js';
import { sandboxConnect } from '../../sandbox/client.js';

export { SANDBOX_USERS } from '../../sandbox/users.js';

export const CLOSED = ['COMPLETED', 'EXPIRED', 'FAILED', 'CANCELLED'];

let counter = 0;
export const uniqueUser = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;

/**
 * Starts (or joins) a verification as a client would: a 503 while the API sheds
 * load (the test process runs the worker and the sandbox on the API's event
 * loop, so a busy moment of theirs counts) is retried after its Retry-After.
 */
export async function startVerification(stack: Stack, body: Record<string, unknown>) {
  const start = () => stack.app.inject({ method: 'POST', url: '/v1/verifications', headers: auth, payload: body });
  let response = await start();
  for (let retries = 0; response.statusCode === 503 && response.headers['retry-after'] && retries < 3; retries++) {
    await sleep(Number(response.headers['retry-after']) * 1_000);
    response = await start();
  }
  if (response.statusCode >= 300) throw new Error(`start failed: ${response.statusCode} ${response.body}`);
  return response.json() as {
    verificationId: string;
    runId: string;
    smileUserId: string;
    link: { userToken: string; expiresAt: string };
    widgetToken: string;
  };
}

export async function getStatus(stack: Stack, id: string): Promise<StatusDocument> {
  const response = await stack.app.inject({ method: 'GET', url: `/v1/verifications/${id}`, headers: auth });
  return response.json() as StatusDocument;
}

/** Polls the status document until `ok` holds (or the deadline passes, returning the last one). */
export async function waitForStatus(
  stack: Stack,
  id: string,
  ok: (doc: StatusDocument) => boolean,
  timeoutMs = 45_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = await getStatus(stack, id);
    if (ok(doc) || Date.now() > deadline) return doc;
    await sleep(250);
  }
}

export const waitUntilClosed = (stack: Stack, id: string, timeoutMs?: number) =>
  waitForStatus(stack, id, (doc) => CLOSED.includes(doc.status), timeoutMs);

/** What the Wink widget and Smile's back end do when a user logs in (sandbox, SPEC §8). */
export const connect = (
  stack: Stack,
  userToken: string,
  user: { username: string; password: string; mfaCode?: string },
) => sandboxConnect(stack.sandboxUrl, userToken, user);

/**
 * Starts a verification for a fresh external user named after `name`, with `persona` as the
 * applicant (the name the provider returns), and logs `persona` in through the sandbox. `body` adds
 * to the start request (policy, callbackUrl…).
 */
export async function startAndConnect(
  stack: Stack,
  name: string,
  persona: { fullName: string; username: string; password: string; mfaCode?: string },
  body: Record<string, unknown> = {},
) {
  const started = await startVerification(stack, {
    externalUserId: uniqueUser(name),
    applicant: { fullName: persona.fullName },
    ...body,
  });
  const connected = await connect(stack, started.link.userToken, persona);
  return { started, connected };
}

export async function setFaults(stack: Stack, faults: Record<string, unknown> | null) {
  await fetch(`${stack.sandboxUrl}/sandbox/v1/faults`, {
    method: faults ? 'POST' : 'DELETE',
    headers: faults ? { 'content-type': 'application/json' } : {},
    body: faults ? JSON.stringify(faults) : undefined,
  });
}

/** `count` onUIEvent widget callbacks, 50 at a time: a storm from a looping browser. */
export async function widgetEventStorm(stack: Stack, verificationId: string, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - sent) }, (_, i) =>
        stack.app.inject({
          method: 'POST',
          url: `/v1/verifications/${verificationId}/widget-events`,
          headers: auth,
          payload: { callback: 'onUIEvent', data: { eventName: 'SEARCH', metadata: { n: sent + i } } },
        }),
      ),
    );
  }
}
