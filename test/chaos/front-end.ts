import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_USERS } from '../../sandbox/users.js';
import { persist } from './processes.js';

const george = SANDBOX_USERS.george;

/**
 * The users' front end, as a real one behaves: it retries its calls (the next attempt goes to the
 * next API, as behind a load balancer), logs George in through the sandbox and forwards the
 * widget's callbacks.
 */
export function frontEnd({
  apiUrls,
  sandboxUrl,
  apiKey,
  apiLog,
}: {
  apiUrls: string[];
  sandboxUrl: string;
  apiKey: string;
  /** The APIs' recent output: a 500 is a finding, shown with what the API logged about it. */
  apiLog?: () => string;
}) {
  let turn = 0;

  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const apiUrl = apiUrls[turn++ % apiUrls.length]!;
    const response = await fetch(apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    if (response.status >= 300) {
      const log = response.status === 500 && apiLog ? `\n${apiLog().slice(-3_000)}` : '';
      throw new Error(`${method} ${path}: ${response.status}${log}`);
    }
    return (await response.json()) as Record<string, unknown>;
  }

  async function connect(userToken: string) {
    const response = await fetch(`${sandboxUrl}/sandbox/v1/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userToken,
        username: george.username,
        password: george.password,
        mfaCode: george.mfaCode,
      }),
    });
    if (!response.ok) throw new Error(`connect: ${response.status}`);
    return ((await response.json()) as { data: { callbacks: { callback: string; data: unknown }[] } }).data;
  }

  /** One user's onboarding: start, log in, forward the widget's callbacks. Resolves with the verification id. */
  async function journey(i: number): Promise<string> {
    const started = await persist(() =>
      call('POST', '/v1/verifications', {
        externalUserId: `chaos-${i}`,
        applicant: { fullName: george.fullName },
        policy: { dataTimeout: '5s' },
      }),
    );
    const verificationId = started.verificationId as string;
    const link = started.link as { userToken: string };
    const connected = await persist(() => connect(link.userToken));
    for (const callback of connected.callbacks.filter((c) => c.callback !== 'onUIEvent')) {
      await persist(() => call('POST', `/v1/verifications/${verificationId}/widget-events`, callback));
    }
    return verificationId;
  }

  return { journey };
}

/**
 * Runs `n` journeys, 8 at a time, a quarter of a second apart in each lane so they
 * spread over the chaos schedule rather than finishing before it starts; the verification ids.
 */
export async function runJourneys(journey: (i: number) => Promise<string>, n: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        ids.push(await journey(next++));
        await sleep(250);
      }
    }),
  );
  return ids;
}
