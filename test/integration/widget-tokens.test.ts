import { describe, expect, it } from 'vitest';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';

const stack = useStack();

const widget = (token: string) => ({ authorization: `Bearer ${token}` });
const onClose = { callback: 'onClose', data: {} };
const events = (id: string, headers: Record<string, string>) =>
  stack.app.inject({ method: 'POST', url: `/v1/verifications/${id}/widget-events`, headers, payload: onClose });

describe('widget tokens (SPEC §10)', () => {
  it("work on their own verification's widget-events, and on nothing else", async () => {
    const mine = await startVerification(stack, { externalUserId: uniqueUser('wt-mine') });
    const other = await startVerification(stack, { externalUserId: uniqueUser('wt-other') });
    expect(mine.widgetToken).toMatch(/^wt1\./);

    expect((await events(mine.verificationId, widget(mine.widgetToken))).statusCode).toBe(202);
    expect((await events(other.verificationId, widget(mine.widgetToken))).statusCode).toBe(403);

    const id = mine.verificationId;
    for (const [method, url, payload] of [
      ['GET', `/v1/verifications/${id}`],
      ['POST', '/v1/verifications', { externalUserId: uniqueUser('wt-start') }],
      ['POST', `/v1/verifications/${id}/link-token`],
      ['POST', `/v1/verifications/${id}/cancel`],
      ['DELETE', `/v1/verifications/${id}/data`],
      ['POST', '/codec/decode', { payloads: [] }],
    ] as const) {
      const response = await stack.app.inject({ method, url, headers: widget(mine.widgetToken), payload });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('is returned with each fresh link token, and refused once its run has closed', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('wt-closed') });
    const link = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/link-token`,
      headers: auth,
    });
    const { widgetToken } = link.json() as { widgetToken: string };
    expect((await events(started.verificationId, widget(widgetToken))).statusCode).toBe(202);

    await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/cancel`,
      headers: auth,
    });
    await stack.client.workflow
      .getHandle(started.verificationId)
      .result()
      .catch(() => undefined);
    expect((await events(started.verificationId, widget(widgetToken))).statusCode).toBe(409);

    // A new run of the same verification does not honour the earlier run's token.
    const next = await startVerification(stack, {
      externalUserId: started.verificationId.replace(/^verification-/, ''),
    });
    expect(next.verificationId).toBe(started.verificationId);
    expect((await events(started.verificationId, widget(widgetToken))).statusCode).toBe(403);
    expect((await events(next.verificationId, widget(next.widgetToken))).statusCode).toBe(202);
  });

  it('a forged or altered token is a 401', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('wt-forged') });
    const altered = started.widgetToken.slice(0, -2) + (started.widgetToken.endsWith('AA') ? 'BB' : 'AA');
    expect((await events(started.verificationId, widget(altered))).statusCode).toBe(401);
    expect((await events(started.verificationId, widget('wt1.e30.AAAA'))).statusCode).toBe(401);
  });
});
