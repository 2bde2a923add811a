import { erasureWorkflowId } from '../../workflows/ids.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { saveHistory } from '../support/history.js';
import * as journeys from '../support/journeys.js';
import { smileSandboxRequest, useStack } from '../support/stack.js';

const stack = useStack();

const policy = { connectTimeout: '30s', dataTimeout: '20s' };
const codes = (doc: { decision?: { reasons: { code: string }[] } }) => doc.decision?.reasons.map((r) => r.code) ?? [];

/** One user's journey: start, log in through the sandbox, wait for the end. */
async function journey(name: string, user: { username: string; password: string; mfaCode?: string }, applicant = {}) {
  const started = await journeys.startVerification(stack, {
    externalUserId: journeys.uniqueUser(name),
    applicant,
    policy,
  });
  const connected = await journeys.connect(stack, started.link.userToken, user);
  expect(connected.status).toBeLessThan(300);
  const doc = await journeys.waitUntilClosed(stack, started.verificationId);
  await saveHistory(name, stack.client.workflow.getHandle(started.verificationId));
  return doc;
}

describe('the sandbox users reach the outcomes of SPEC §8', () => {
  it('George → COMPLETED / APPROVED', async () => {
    const doc = await journey('george', journeys.SANDBOX_USERS.george, {
      fullName: journeys.SANDBOX_USERS.george.fullName,
    });
    expect(doc.status).toBe('COMPLETED');
    expect(doc.decision?.outcome).toBe('APPROVED');
    expect(doc.datapoints).toMatchObject({ identity: 'RECEIVED', employments: 'RECEIVED', contributions: 'RECEIVED' });
    expect(doc.accounts).toEqual([expect.objectContaining({ status: 'CONNECTED' })]);
    // What `temporal workflow list --query 'VerificationStatus="COMPLETED"'` shows an operator.
    const query = `VerificationStatus = "COMPLETED" AND Decision = "APPROVED" AND ExternalUserId = "${doc.externalUserId}"`;
    let found: string[] = [];
    for (let i = 0; i < 40 && found.length === 0; i++, await sleep(250)) {
      found = [];
      for await (const run of stack.client.workflow.list({ query })) found.push(run.workflowId);
    }
    expect(found).toEqual([doc.verificationId]);
  });

  it('Ryan → REVIEW (contribution gaps)', async () => {
    const doc = await journey('ryan', journeys.SANDBOX_USERS.ryan, { fullName: journeys.SANDBOX_USERS.ryan.fullName });
    expect(doc.decision?.outcome).toBe('REVIEW');
    expect(codes(doc)).toEqual(['CONTRIBUTION_GAP']);
  });

  it('Christina → DECLINED (employment ended long ago)', async () => {
    const doc = await journey('christina', journeys.SANDBOX_USERS.christina, {
      fullName: journeys.SANDBOX_USERS.christina.fullName,
    });
    expect(doc.decision?.outcome).toBe('DECLINED');
    expect(codes(doc)).toContain('NO_CURRENT_EMPLOYMENT');
    expect(doc.decision?.reasons[0]).toMatchObject({ code: 'NO_CURRENT_EMPLOYMENT', result: 'fail' });
  });

  it('Anisha → REVIEW with MISSING_DATAPOINT (identity only)', async () => {
    const doc = await journey('anisha', journeys.SANDBOX_USERS.anisha, {
      fullName: journeys.SANDBOX_USERS.anisha.fullName,
    });
    expect(doc.decision?.outcome).toBe('REVIEW');
    expect(codes(doc)).toContain('MISSING_DATAPOINT');
    expect(doc.datapoints).toMatchObject({ identity: 'RECEIVED', employments: 'MISSING' });
  });
});

describe('connection attempts', () => {
  it('a wrong password, then the right one → APPROVED', async () => {
    const started = await journeys.startVerification(stack, {
      externalUserId: journeys.uniqueUser('retry'),
      applicant: { fullName: journeys.SANDBOX_USERS.george.fullName },
      policy,
    });
    const wrong = await journeys.connect(stack, started.link.userToken, {
      ...journeys.SANDBOX_USERS.george,
      password: 'nope',
    });
    expect(wrong.status).toBeLessThan(500);
    await journeys.connect(stack, started.link.userToken, journeys.SANDBOX_USERS.george);
    const doc = await journeys.waitUntilClosed(stack, started.verificationId);
    expect(doc.decision?.outcome).toBe('APPROVED');
    expect(doc.accounts.some((a) => a.status === 'FAILED' && a.errorCode === 'INVALID_CREDENTIALS')).toBe(true);
  });

  it('too many failures → FAILED with a reason', async () => {
    const started = await journeys.startVerification(stack, {
      externalUserId: journeys.uniqueUser('failing'),
      policy: { ...policy, maxConnectAttempts: 2 },
    });
    for (let i = 0; i < 2; i++)
      await journeys.connect(stack, started.link.userToken, { ...journeys.SANDBOX_USERS.george, password: `bad-${i}` });
    const doc = await journeys.waitUntilClosed(stack, started.verificationId);
    expect(doc.status).toBe('FAILED');
    expect(doc.failure?.code).toBe('TOO_MANY_ACCOUNT_FAILURES');
    expect(doc.decision).toBeUndefined();
    await saveHistory('account-failures', stack.client.workflow.getHandle(started.verificationId));
  });

  it('no connection before connectTimeout → EXPIRED', async () => {
    const started = await journeys.startVerification(stack, {
      externalUserId: journeys.uniqueUser('idle'),
      policy: { connectTimeout: '2s' },
    });
    const doc = await journeys.waitUntilClosed(stack, started.verificationId);
    expect(doc.status).toBe('EXPIRED');
    await saveHistory('expired', stack.client.workflow.getHandle(started.verificationId));
  });
});

describe('after a decision', () => {
  it('ACCOUNT_DISCONNECTED erases the data when the policy says eraseOnDisconnect', async () => {
    const externalUserId = journeys.uniqueUser('erase-on-disconnect');
    const started = await journeys.startVerification(stack, {
      externalUserId,
      applicant: { fullName: journeys.SANDBOX_USERS.george.fullName },
      policy: { ...policy, eraseOnDisconnect: true },
    });
    await journeys.connect(stack, started.link.userToken, journeys.SANDBOX_USERS.george);
    const doc = await journeys.waitUntilClosed(stack, started.verificationId);
    expect(doc.decision?.outcome).toBe('APPROVED');
    await stack.client.workflow.getHandle(started.verificationId).result();
    const stored = async () =>
      (await stack.sql`select count(*)::int as n from datapoints where smile_user_id = ${started.smileUserId}`)[0]!
        .n as number;
    expect(await stored()).toBeGreaterThan(0);

    await smileSandboxRequest(stack.sandboxUrl, 'DELETE', `/v1/accounts/${doc.accounts[0]!.accountId}`);
    let left = await stored();
    for (let i = 0; i < 40 && left > 0; i++, await sleep(250)) left = await stored();
    expect(left).toBe(0);
    // The same durable erasure as DELETE …/data ran it, not the API's delivery loop.
    const erasure = stack.client.workflow.getHandle(erasureWorkflowId(externalUserId));
    expect((await erasure.result()).datapoints).toBeGreaterThan(0);
    expect((await erasure.describe()).status.name).toBe('COMPLETED');
    expect(
      (
        await stack.sql`select outcome from decisions d join verifications v using (run_id) where v.verification_id = ${started.verificationId}`
      )[0]!.outcome,
    ).toBe('APPROVED');
  });
});
