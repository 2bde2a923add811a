import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInviteActivities } from '../../activities/invites.js';
import { recordInviteIntent } from '../../db/invites.js';
import { saveRequest } from '../../db/users.js';
import { createSmileClient } from '../../smile/index.js';
import type { StatusDocument } from '../../workflows/types.js';
import { saveHistory } from '../support/history.js';
import {
  getStatus,
  SANDBOX_USERS,
  startVerification,
  uniqueUser,
  waitForStatus,
  waitUntilClosed,
} from '../support/journeys.js';
import { auth, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const start = (body: Record<string, unknown>) =>
  stack.app.inject({ method: 'POST', url: '/v1/verifications', headers: auth, payload: body });

type Started = Awaited<ReturnType<typeof startVerification>> & {
  invite?: { inviteId: string; url: string; status: string };
};

describe('a verification by hosted invite', () => {
  it('George linked through his invite: COMPLETED APPROVED, invite LINKED, the landing page answers', async () => {
    const george = SANDBOX_USERS.george;
    const body = {
      externalUserId: uniqueUser('invite-george'),
      applicant: { fullName: george.fullName },
      invite: { email: george.username },
    };
    const first = (await startVerification(stack, body)) as Started;
    expect(first.invite).toMatchObject({ status: 'INVITED' });
    expect(first.smileUserId).toMatch(/^tenantId-/);
    // The invite's Smile user is the run's, and the link token works for it too.
    const invites = [...stack.sandbox.sandboxState.invites.values()].filter((i) => i.userId === first.smileUserId);
    expect(invites.map((i) => i.id)).toEqual([first.invite!.inviteId]);
    expect(invites[0]!.templateId).toBe('tpl-sandbox');
    expect(stack.sandbox.sandboxState.validToken(first.link.userToken).userId).toBe(first.smileUserId);
    // Joining the running verification answers the same invite; Smile was asked once.
    const again = (await startVerification(stack, body)) as Started;
    expect(again.invite).toEqual(first.invite);
    expect([...stack.sandbox.sandboxState.invites.values()].filter((i) => i.userId === first.smileUserId)).toHaveLength(
      1,
    );

    const landing = await fetch(first.invite!.url);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('/wink?userToken=');

    const linked = await fetch(`${stack.sandboxUrl}/sandbox/v1/invites/${first.invite!.inviteId}/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: george.username, password: george.password, mfaCode: george.mfaCode }),
    });
    expect(linked.status).toBe(200);
    const doc = await waitUntilClosed(stack, first.verificationId);
    expect(doc.status).toBe('COMPLETED');
    expect(doc.decision?.outcome).toBe('APPROVED');
    expect(doc.invite).toEqual({ ...first.invite, status: 'LINKED' });
    await saveHistory('invite-linked', stack.client.workflow.getHandle(first.verificationId));
  });

  it('a retried invite activity finds the invite an earlier attempt created, and never invites twice', async () => {
    const requestId = randomUUID();
    const externalUserId = uniqueUser('invite-retry');
    const email = `${externalUserId}@example.com`;
    await saveRequest(stack.sql, { requestId, externalUserId, applicant: { fullName: 'Ryan Ng' }, invite: { email } });
    // An earlier attempt recorded its intent and Smile created the invite, but the attempt died before storing it.
    await recordInviteIntent(stack.sql, requestId, externalUserId);
    const smile = createSmileClient({
      baseUrl: `${stack.sandboxUrl}/v1`,
      apiKey: 'sandbox-key',
      apiSecret: 'sandbox-secret',
    });
    const made = await smile.createInvite({ fullName: 'Ryan Ng', email, templateId: 'tpl-sandbox' });
    const activities = createInviteActivities({ sql: stack.sql, smile, templateId: 'tpl-sandbox' });
    const first = await activities.issueInviteLinkToken({ externalUserId, requestId });
    const second = await activities.issueInviteLinkToken({ externalUserId, requestId });
    expect(first.invite.inviteId).toBe(made.id);
    expect(second.invite).toEqual(first.invite);
    expect(second.smileUserId).toBe(made.userId);
    expect([...stack.sandbox.sandboxState.invites.values()].filter((i) => i.email === email)).toHaveLength(1);
  });

  it('an invite that nobody follows expires with connectTimeout', async () => {
    const started = (await startVerification(stack, {
      externalUserId: uniqueUser('invite-expiry'),
      applicant: { fullName: 'Ryan Ng' },
      invite: { email: 'ryan1234@smileapi.io', phone: '+639170000000' },
      policy: { connectTimeout: '2s' },
    })) as Started;
    const doc = await waitUntilClosed(stack, started.verificationId);
    expect(doc.status).toBe('EXPIRED');
    expect(doc.invite?.status).toBe('EXPIRED');
  });

  it('400 naming the field: an invite without the applicant’s name, or with an invalid email', async () => {
    const noName = await start({ externalUserId: uniqueUser('invite-bad'), invite: { email: 'a@example.com' } });
    expect(noName.statusCode).toBe(400);
    expect(noName.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(noName.json())).toContain('applicant.fullName');
    const badEmail = await start({
      externalUserId: uniqueUser('invite-bad'),
      applicant: { fullName: 'Ryan Ng' },
      invite: { email: 'not-an-email' },
    });
    expect(badEmail.statusCode).toBe(400);
    expect(JSON.stringify(badEmail.json())).toContain('invite.email');
  });
});

describe('where a user stopped in the widget', () => {
  it('three onUIEvent screens: widget.lastScreen and the screens in order, counted per screen', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('screens') });
    const screens = ['ConsentPageOpened', 'ProviderListPageOpened', 'LoginPageOpened'];
    for (const eventName of screens) {
      const answer = await stack.app.inject({
        method: 'POST',
        url: `/v1/verifications/${started.verificationId}/widget-events`,
        headers: { authorization: `Bearer ${started.widgetToken}` },
        payload: { callback: 'onUIEvent', data: { eventName, eventTime: new Date().toISOString(), mode: 'SANDBOX' } },
      });
      expect(answer.statusCode).toBe(202);
    }
    const doc = await waitForStatus(stack, started.verificationId, (d) => d.widget?.screens.length === 3);
    expect(doc.status).toBe('AWAITING_CONNECTION');
    expect(doc.widget?.lastScreen).toBe('LoginPageOpened');
    expect(doc.widget?.screens.map((s) => s.name)).toEqual(screens);
    for (const screen of doc.widget!.screens) expect(Number.isNaN(Date.parse(screen.at))).toBe(false);

    const metrics = (await stack.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of screens)
      expect(metrics).toMatch(new RegExp(`smile_verify_widget_screens_total\\{screen="${name}"\\} [1-9]`));

    const notAName = await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/widget-events`,
      headers: { authorization: `Bearer ${started.widgetToken}` },
      payload: { callback: 'onUIEvent', data: { eventName: 'Jane Doe <jane@example.com>' } },
    });
    expect(notAName.statusCode).toBe(400);
    await stack.app.inject({
      method: 'POST',
      url: `/v1/verifications/${started.verificationId}/cancel`,
      headers: auth,
    });
    const closed: StatusDocument = await waitUntilClosed(stack, started.verificationId);
    expect(closed.widget?.screens.map((s) => s.name)).toEqual(screens);
    expect((await getStatus(stack, started.verificationId)).widget?.lastScreen).toBe('LoginPageOpened');
    await saveHistory('widget-screens', stack.client.workflow.getHandle(started.verificationId));
  });
});
