import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverPending } from '../../api/webhooks/relay.js';
import type { Report } from '../../api/schemas/report.js';
import type { StatusDocument } from '../../workflows/types.js';
import { activityTypes } from '../support/history.js';
import {
  connect,
  getStatus,
  SANDBOX_USERS,
  setFaults,
  startVerification,
  uniqueUser,
  waitForStatus,
  waitUntilClosed,
} from '../support/journeys.js';
import { auth, useStack } from '../support/stack.js';

/**
 * What a decision judges, tried as a new user would on the dev server and the
 * sandbox: an earlier run's account, orphans from before the run, the same
 * payroll linked twice, dates by the day, policy bounds, a first name alone.
 * Every sync's TASK_FINISHED is lost, so each run decides on what it fetches at
 * `dataTimeout` (or on a later sync), and the same login can be linked twice
 * before its first sync finished.
 */
const stack = useStack();
beforeAll(() => setFaults(stack, { dropEventTypes: ['TASK_FINISHED'] }));
afterAll(() => setFaults(stack, null));

const policy = { connectTimeout: '5m', dataTimeout: '8s', connectionCheckInterval: '5s' };
const george = { fullName: 'George Palomero' };
const reasons = (doc: StatusDocument) => doc.decision?.reasons.map((r) => `${r.code}:${r.result}`) ?? [];
const report = async (id: string) =>
  (await stack.app.inject({ method: 'GET', url: `/v1/verifications/${id}/report`, headers: auth })).json() as Report;
const cancel = (id: string) =>
  stack.app.inject({ method: 'POST', url: `/v1/verifications/${id}/cancel`, headers: auth });
const widgetEvent = (id: string, widgetToken: string, body: unknown) =>
  stack.app.inject({
    method: 'POST',
    url: `/v1/verifications/${id}/widget-events`,
    headers: { authorization: `Bearer ${widgetToken}` },
    payload: body as object,
  });
const sync = async (accountId: string, body: Record<string, unknown>) => {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/v1/accounts/${accountId}/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};
const accountIdOf = (linked: Awaited<ReturnType<typeof connect>>) =>
  (linked.body as { data: { account: { id: string } } }).data.account.id;

/**
 * Waits until every event the sandbox published for `linked` (all but the
 * TASK_FINISHED the faults drop) is in the inbox and settled: none is waiting
 * to be signalled, so each was received, and routed, before whatever starts next.
 */
async function allSettled(linked: Awaited<ReturnType<typeof connect>>[]): Promise<void> {
  const ids = linked
    .flatMap((l) => (l.body as { data: { events: { id: string; type: string }[] } }).data.events)
    .filter((event) => event.type !== 'TASK_FINISHED')
    .map((event) => event.id);
  const settled = async () =>
    (
      await stack.sql<{ n: number }[]>`
        select count(*)::int as n from inbox_events where id = any(${ids}) and state <> 'pending'`
    )[0]!.n;
  for (let i = 0; i < 100 && (await settled()) < ids.length; i++) await sleep(200);
  expect(await settled()).toBe(ids.length);
}

/** Waits until the run has asked Smile for the user's accounts `times` times (the checks ran), relaying the inbox meanwhile. */
async function checksRan(verificationId: string, times: number): Promise<void> {
  const deadline = Date.now() + 50_000;
  for (;;) {
    await deliverPending({ sql: stack.sql, client: stack.client });
    const history = await stack.client.workflow.getHandle(verificationId).fetchHistory();
    const checks = activityTypes(history.events ?? []).filter((type) => type === 'connectedAccounts').length;
    if (checks >= times || Date.now() > deadline) return;
    await sleep(500);
  }
}

describe('an earlier run’s account never decides a later run', () => {
  it('run 2, where nobody links, stays AWAITING_CONNECTION through the account check and a widget hint', async () => {
    const user = uniqueUser('scope-run2');
    const first = await startVerification(stack, { externalUserId: user, applicant: george, policy });
    await connect(stack, first.link.userToken, SANDBOX_USERS.george);
    expect((await waitUntilClosed(stack, first.verificationId)).decision?.outcome).toBe('APPROVED');

    const second = await startVerification(stack, { externalUserId: user, applicant: george, policy });
    expect(second.smileUserId).toBe(first.smileUserId);
    // A widget hint with empty data (the widget token is enough) brings a check forward; it never admits.
    expect(
      (await widgetEvent(second.verificationId, second.widgetToken, { callback: 'onAccountConnected', data: {} }))
        .statusCode,
    ).toBe(202);
    await checksRan(second.verificationId, 2);
    const doc = await getStatus(stack, second.verificationId);
    expect(doc.status).toBe('AWAITING_CONNECTION');
    expect(doc.accounts).toEqual([]);
    await cancel(second.verificationId);
  }, 120_000);
});

describe('orphans from before a run', () => {
  it('a link and failed logins made with a cancelled run’s token never reach the next run', async () => {
    const user = uniqueUser('scope-orphan');
    const cancelled = await startVerification(stack, { externalUserId: user, applicant: george, policy });
    await cancel(cancelled.verificationId);
    await waitUntilClosed(stack, cancelled.verificationId);
    // The cancelled run's link token is still valid at Smile: George links, and three logins fail.
    const linked = [await connect(stack, cancelled.link.userToken, SANDBOX_USERS.george)];
    for (let i = 0; i < 3; i++)
      linked.push(
        await connect(stack, cancelled.link.userToken, { ...SANDBOX_USERS.george, password: 'wrong-password' }),
      );
    await allSettled(linked);
    const [orphans] = await stack.sql<{ n: number }[]>`select count(*)::int as n from inbox_events
      where smile_user_id = ${cancelled.smileUserId} and state = 'orphan'`;
    expect(orphans!.n).toBeGreaterThanOrEqual(5);

    const next = await startVerification(stack, { externalUserId: user, applicant: george, policy });
    await checksRan(next.verificationId, 2);
    const doc = await getStatus(stack, next.verificationId);
    expect(doc.status).toBe('AWAITING_CONNECTION');
    expect(doc.accounts).toEqual([]);
    const [row] = await stack.sql<{ delivered: number }[]>`
      select count(*)::int as delivered from inbox_events
      where smile_user_id = ${cancelled.smileUserId} and state = 'delivered'`;
    expect(row!.delivered).toBe(0);
    await cancel(next.verificationId);
  }, 120_000);

  it('a connection still waiting to be signalled when the next run starts is not its, even dated in its first second', async () => {
    const user = uniqueUser('scope-pending');
    const cancelled = await startVerification(stack, { externalUserId: user, applicant: george, policy });
    await cancel(cancelled.verificationId);
    await waitUntilClosed(stack, cancelled.verificationId);
    await allSettled([await connect(stack, cancelled.link.userToken, SANDBOX_USERS.george)]);

    const next = await startVerification(stack, { externalUserId: user, applicant: george, policy });
    const { createdAt } = await getStatus(stack, next.verificationId);
    // As if George's ACCOUNT_CONNECTED, received before the run started, had still been waiting for its
    // signal (Temporal was away), and Smile had dated it (to the second) in the run's first second.
    const [held] = await stack.sql<{ id: string }[]>`
      update inbox_events set state = 'pending', next_attempt_at = now(), event_created_at = ${`${createdAt.slice(0, 19)}Z`}
      where smile_user_id = ${cancelled.smileUserId} and type = 'ACCOUNT_CONNECTED' returning id`;
    await checksRan(next.verificationId, 2);
    const [event] = await stack.sql<{ state: string }[]>`select state from inbox_events where id = ${held!.id}`;
    expect(event!.state).toBe('delivered');
    const doc = await getStatus(stack, next.verificationId);
    expect(doc.status).toBe('AWAITING_CONNECTION');
    expect(doc.accounts).toEqual([]);
    await cancel(next.verificationId);
  }, 120_000);
});

describe('one item, once', () => {
  it('Maria’s payroll linked twice is 25,000 PHP a month and not APPROVED against 40,000', async () => {
    const started = await startVerification(stack, {
      externalUserId: uniqueUser('scope-maria-twice'),
      applicant: { fullName: 'Maria Clara Santos' },
      policy: { ...policy, minMonthlyIncome: { PHP: 40_000 } },
    });
    await connect(stack, started.link.userToken, SANDBOX_USERS.maria);
    await connect(stack, started.link.userToken, SANDBOX_USERS.maria);
    const doc = await waitUntilClosed(stack, started.verificationId, 60_000);
    expect(doc.accounts.filter((a) => a.status === 'CONNECTED')).toHaveLength(2);
    expect(doc.decision?.outcome).not.toBe('APPROVED');
    expect(reasons(doc)).toContain('INCOME_BELOW_MINIMUM:fail');
    const { income, employments } = await report(started.verificationId);
    expect(income).toMatchObject({ averageMonthlyGross: 25_000, averageMonthlyNet: 21_600 });
    expect(employments).toHaveLength(1);
  }, 90_000);
});

describe('dates by the day', () => {
  /** Connects George, changes his employment as a provider's refresh would, and waits for the decision. */
  async function georgeAfter(change: Record<string, unknown>) {
    const started = await startVerification(stack, {
      externalUserId: uniqueUser('scope-dates'),
      applicant: george,
      policy: { ...policy, dataTimeout: '2m' },
    });
    const accountId = accountIdOf(await connect(stack, started.link.userToken, SANDBOX_USERS.george));
    await waitForStatus(stack, started.verificationId, (d) => d.status === 'AWAITING_DATA');
    await sync(accountId, change);
    return waitUntilClosed(stack, started.verificationId, 60_000);
  }
  /** Today where George's provider is (Manila, UTC+8). */
  const manilaToday = () => new Date(Date.now() + 8 * 3_600_000);

  it('a job that ended yesterday is not current: NO_CURRENT_EMPLOYMENT, DECLINED', async () => {
    const doc = await georgeAfter({ endEmployment: true });
    expect(doc.decision?.outcome).toBe('DECLINED');
    expect(reasons(doc)).toContain('NO_CURRENT_EMPLOYMENT:fail');
  }, 90_000);

  it('tenure counts whole months to today (2026-09-30 judged 2026-12-03 is 2): TENURE_TOO_SHORT', async () => {
    // Three calendar months back, two whole months: the last day of the month three months ago
    // (2026-09-30 on 2026-12-03), or the day after today's date three months ago on a month's last days.
    const today = manilaToday();
    const monthEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 2, 0));
    const start =
      today.getUTCDate() < monthEnd.getUTCDate()
        ? monthEnd
        : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 3, today.getUTCDate() + 1));
    const doc = await georgeAfter({ employmentStartDate: start.toISOString().slice(0, 10) });
    const rule = (await report(doc.verificationId)).rules.find((r) => r.code === 'TENURE_TOO_SHORT');
    expect(rule).toMatchObject({ result: 'fail', value: 2 });
    expect(doc.decision?.outcome).toBe('REVIEW');
  }, 90_000);
});

describe('names and policy bounds', () => {
  it('"George" alone is not APPROVED on George’s account', async () => {
    const started = await startVerification(stack, {
      externalUserId: uniqueUser('scope-first-name'),
      applicant: { fullName: 'George' },
      policy,
    });
    await connect(stack, started.link.userToken, SANDBOX_USERS.george);
    const doc = await waitUntilClosed(stack, started.verificationId, 60_000);
    expect(doc.decision?.outcome).toBe('DECLINED');
    expect(reasons(doc)).toContain('NAME_MISMATCH:fail');
  }, 90_000);

  it.each([
    [{ nameMatchThreshold: 0 }, 'body.policy.nameMatchThreshold'],
    [{ minTenureMonths: 601 }, 'body.policy.minTenureMonths'],
    [{ contributionMonths: { required: 6, window: 61 } }, 'body.policy.contributionMonths.window'],
    [{ maxContributionGapMonths: 61 }, 'body.policy.maxContributionGapMonths'],
  ])('%j is a 400 naming %s', async (bad, path) => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: auth,
      payload: { externalUserId: uniqueUser('scope-bounds'), policy: bad },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });
});
