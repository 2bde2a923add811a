import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import proto from '@temporalio/proto';
import { saveHistory } from '../support/history.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import * as journey from '../support/journeys.js';

/**
 * Operators may read history; nobody should find personal data in it. A George
 * verification runs to its decision with an applicant who gives name, email and
 * birth date; then the raw history (the server's protobuf bytes, through the
 * Temporal API, with no codec) of the verification and its result-callback child
 * is searched for every piece of personal data that went through the system.
 */
let stack: Stack;
let receiver: Server;
let callbackUrl: string;
beforeAll(async () => {
  // A wrong KYC key: the provider rejects the job, and that run fails with the provider's reason.
  stack = await startStack({ SMILE_ID_API_KEY: 'not-the-kyc-key' });
  receiver = createServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/results`;
});
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const PERSONAL = [
  // The applicant as the client sent it.
  'George Palomero Jr.',
  'george.palomero@example.com',
  '1970-08-24',
  // What the provider returned: names, contact details, address, employers, employee numbers, pay.
  'Palomero',
  'Cimafranca',
  'gpalomero1234',
  '+639559991234',
  '9559991234',
  'Maybunga',
  'Pasig',
  'ABC Corporation',
  'CDE Corporation',
  'EMP-123456',
  'Security Guard',
  '7820.25',
];

async function rawHistoryBytes(workflowId: string): Promise<Buffer> {
  const { history } = await stack.client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId },
  });
  return Buffer.from(proto.temporal.api.history.v1.History.encode(history!).finish());
}

describe('Temporal history', () => {
  it('holds no personal data in plain text, in any field, for a completed verification', async () => {
    const externalUserId = journey.uniqueUser('privacy');
    const { verificationId, link } = await journey.startVerification(stack, {
      externalUserId,
      applicant: { fullName: 'George Palomero Jr.', email: 'george.palomero@example.com', dateOfBirth: '1970-08-24' },
      callbackUrl,
    });
    await journey.connect(stack, link.userToken, journey.SANDBOX_USERS.george);
    const doc = await journey.waitUntilClosed(stack, verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });

    const { runId } = await stack.client.workflow.getHandle(verificationId).describe();
    const callback = stack.client.workflow.getHandle(`callback-${runId}`);
    expect(await callback.result()).toBe('DELIVERED');
    const histories = [await rawHistoryBytes(verificationId), await rawHistoryBytes(`callback-${runId}`)];
    expect(histories[0]!.length).toBeGreaterThan(2_000);

    for (const bytes of histories) {
      // Plain text, and the same text inside any base64 the server might hold.
      const text = bytes.toString('latin1').toLowerCase();
      for (const secret of [...PERSONAL, link.userToken]) {
        expect(text, `"${secret}" in history`).not.toContain(secret.toLowerCase());
        expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12).toLowerCase());
      }
    }
    // The same bytes through the codec do hold the applicant: the test can see it when it should.
    const decoded = JSON.stringify(await stack.client.workflow.getHandle(verificationId).fetchHistory());
    expect(decoded).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  it('holds no personal data in plain text for a run by invite with uploaded payslips', async () => {
    const maria = journey.SANDBOX_USERS.maria;
    const { verificationId, link } = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('privacy-invite'),
      applicant: { fullName: maria.fullName },
      invite: { email: 'maria.invited@example.com', phone: '+639171234567' },
      policy: { requiredDatapoints: ['incomes'], acceptPayslipsAsIncome: true },
    });
    const uploaded = await fetch(`${stack.sandboxUrl}/sandbox/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userToken: link.userToken, persona: 'maria', count: 2 }),
    });
    expect(uploaded.status).toBe(200);
    const doc = await journey.waitUntilClosed(stack, verificationId);
    expect(doc.status).toBe('COMPLETED');
    expect(doc.documents).toHaveLength(2);
    const text = (await rawHistoryBytes(verificationId)).toString('latin1').toLowerCase();
    for (const secret of [
      'maria.invited@example.com',
      '+639171234567',
      'Maria Clara Santos',
      'Luzon Harbor',
      '10800',
    ]) {
      expect(text, `"${secret}" in history`).not.toContain(secret.toLowerCase());
      expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12).toLowerCase());
    }
  });

  it('holds no failure message in plain text for a run that failed', async () => {
    const { verificationId, link } = await journey.startVerification(stack, {
      externalUserId: journey.uniqueUser('privacy-failed'),
      applicant: { fullName: 'George Palomero Jr.' },
      policy: { kyc: { enabled: true } },
    });
    await journey.connect(stack, link.userToken, journey.SANDBOX_USERS.george);
    const doc = await journey.waitUntilClosed(stack, verificationId);
    expect(doc).toMatchObject({ status: 'FAILED', failure: { code: 'KycRejectedRequest' } });
    expect(doc.failure?.message).toContain('KYC provider rejected the request');

    const text = (await rawHistoryBytes(verificationId)).toString('latin1');
    for (const plain of ['KYC provider rejected the request', 'submitKycJob failed', 'at post (']) {
      expect(text, `"${plain}" in history`).not.toContain(plain);
    }
    // Decoded, the failure is all there: the codec holds it, the server does not see it.
    const decoded = await stack.client.workflow.getHandle(verificationId).fetchHistory();
    const failed = decoded.events?.find((event) => event.activityTaskFailedEventAttributes);
    expect(failed?.activityTaskFailedEventAttributes?.failure?.encodedAttributes).toBeTruthy();
    await saveHistory('provider-failure', stack.client.workflow.getHandle(verificationId));
  });
});
