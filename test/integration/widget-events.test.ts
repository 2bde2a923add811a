import { setTimeout as sleep } from 'node:timers/promises';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { WidgetEventRef } from '../../workflows/messages.js';
import { startVerification, uniqueUser } from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';

const stack = useStack();

const post = (id: string, body: unknown, headers: Record<string, string> = auth) =>
  stack.app.inject({ method: 'POST', url: `/v1/verifications/${id}/widget-events`, headers, payload: body as object });

/** The widgetEvent signals in a workflow's history, decoded with the client's own data converter (codec included). */
async function widgetSignals(workflowId: string): Promise<WidgetEventRef[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const { payloadCodecs, payloadConverter } = stack.client.workflow.options.loadedDataConverter;
  const refs: WidgetEventRef[] = [];
  for (const event of history.events ?? []) {
    const attrs = event.workflowExecutionSignaledEventAttributes;
    if (attrs?.signalName !== 'widgetEvent') continue;
    let payloads = (attrs.input?.payloads ?? []) as Payload[];
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    refs.push(payloadConverter.fromPayload<WidgetEventRef>(payloads[0]!));
  }
  return refs;
}

// Each of the nine Wink callbacks with its documented data, plus personal data the route must not forward.
const PERSONAL = 'Jane Q. Applicant';
const ids = { accountId: 'acc-w1', userId: 'usr-w1', providerId: 'provider-1', fullName: PERSONAL };
const NINE = [
  { callback: 'onAccountCreated', data: ids },
  { callback: 'onAccountConnected', data: ids },
  { callback: 'onAccountRemoved', data: ids },
  { callback: 'onTokenExpired', data: {} },
  { callback: 'onClose', data: {} },
  { callback: 'onAccountError', data: { ...ids, errorCode: 'INVALID_CREDENTIALS' } },
  {
    callback: 'onUploadsCreated',
    data: { userId: 'usr-w1', archiveId: 'arc-1', archives: [{ id: 'arc-1', email: 'jane@example.com' }] },
  },
  { callback: 'onUploadsRemoved', data: { userId: 'usr-w1', archiveId: 'arc-1' } },
  {
    callback: 'onUIEvent',
    data: {
      eventName: 'ConsentPageOpened',
      eventTime: new Date().toISOString(),
      mode: 'SANDBOX',
      userId: 'usr-w1',
      account: { name: PERSONAL },
    },
  },
];

describe('POST /v1/verifications/:id/widget-events', () => {
  it('202 for each of the nine callbacks; the workflow gets references with ids and codes, no personal data', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('widget') });
    for (const body of NINE) {
      const response = await post(started.verificationId, body);
      expect(response.statusCode, body.callback).toBe(202);
      expect(response.json()).toEqual({ accepted: true });
    }
    let refs = await widgetSignals(started.verificationId);
    for (let i = 0; i < 20 && refs.length < NINE.length; i++, await sleep(100))
      refs = await widgetSignals(started.verificationId);
    expect(refs.map((r) => r.callback)).toEqual(NINE.map((b) => b.callback));
    expect(refs.find((r) => r.callback === 'onAccountConnected')).toMatchObject({
      accountId: 'acc-w1',
      providerId: 'provider-1',
    });
    expect(refs.find((r) => r.callback === 'onAccountError')?.errorCode).toBe('INVALID_CREDENTIALS');
    expect(refs.find((r) => r.callback === 'onUIEvent')?.eventName).toBe('ConsentPageOpened');
    const serialised = JSON.stringify(refs);
    expect(serialised).not.toContain(PERSONAL);
    expect(serialised).not.toContain('jane@example.com');
    expect(serialised).not.toContain('usr-w1');
  });

  it('401 without a bearer key, and no signal', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('widget-auth') });
    expect((await post(started.verificationId, NINE[0], {})).statusCode).toBe(401);
    expect((await post(started.verificationId, NINE[0], { authorization: 'Bearer wrong-key-123456' })).statusCode).toBe(
      401,
    );
    expect(await widgetSignals(started.verificationId)).toEqual([]);
  });

  it('400 problem+json for an unknown callback, a missing body or onUIEvent without eventName', async () => {
    const started = await startVerification(stack, { externalUserId: uniqueUser('widget-bad') });
    for (const body of [
      { callback: 'onSomethingElse', data: {} },
      {},
      { callback: 'onUIEvent', data: {} },
      { callback: 'onAccountCreated', data: 'x' },
    ]) {
      const response = await post(started.verificationId, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await widgetSignals(started.verificationId)).toEqual([]);
  });

  it('404 for an id that is not a verification id; 409 when no verification is running', async () => {
    const notAnId = await post('not-a-verification', NINE[0]);
    expect(notAnId.statusCode).toBe(404);
    expect(notAnId.headers['content-type']).toMatch(/^application\/problem\+json/);

    const neverStarted = await post(`verification-${uniqueUser('never')}`, NINE[0]);
    expect(neverStarted.statusCode).toBe(409);
    expect(neverStarted.headers['content-type']).toMatch(/^application\/problem\+json/);

    const started = await startVerification(stack, { externalUserId: uniqueUser('widget-closed') });
    await stack.client.workflow.getHandle(started.verificationId).terminate('test: closed verification');
    const closed = await post(started.verificationId, NINE[0]);
    expect(closed.statusCode).toBe(409);
    expect(closed.json().status).toBe(409);
  });
});
