import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { getStatus, SANDBOX_USERS } from '../support/journeys.js';
import { connectInWink, launchBrowser, screenshot } from '../support/browser.js';
import { buildTestApp, productionOverrides } from '../support/app.js';

/**
 * The demo page end to end in a real browser: the real API, worker, Temporal and
 * Postgres, the sandbox's Wink widget. Nothing here calls the API directly until
 * the final check: the page does all of it.
 */
let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('GET /demo', () => {
  it('takes George from start to APPROVED: widget, forwarded callbacks, live status, decision', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/demo`);
    // The page holds no API key (SPEC §3): it starts through the demo's back end and forwards with the widget token.
    expect(await page.content()).not.toContain('test-api-key');
    const requests: { url: string; authorization?: string }[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), authorization: r.headers().authorization }));
    expect(await page.inputValue('#full-name')).toBe(SANDBOX_USERS.george.fullName);
    await page.click('#start');
    await page.locator('#status', { hasText: 'AWAITING_CONNECTION' }).waitFor();
    const verificationId = (await page.textContent('#verification-id'))!;

    const wink = await connectInWink(page, SANDBOX_USERS.george);
    await wink.locator('#done').click();

    await page.locator('#decision', { hasText: 'APPROVED' }).waitFor({ timeout: 45_000 });
    await screenshot(page, 'demo-george-approved');
    expect(await page.textContent('#status')).toBe('COMPLETED');
    expect(await page.textContent('#problem')).toBe('');
    const forwarded = (await page.textContent('#log'))!;
    for (const callback of ['onAccountCreated', 'onAccountConnected', 'onClose', 'onUIEvent ConsentPageOpened'])
      expect(forwarded).toContain(callback);

    // What the page showed is what the API says, and the widget's callbacks reached the workflow.
    const doc = await getStatus(stack, verificationId);
    expect(doc).toMatchObject({ status: 'COMPLETED', decision: { outcome: 'APPROVED' } });
    expect(doc.accounts).toEqual([expect.objectContaining({ providerId: 'sss_ph', status: 'CONNECTED' })]);
    const history = await stack.client.workflow.getHandle(verificationId).fetchHistory();
    const signals = history.events!.filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'widgetEvent',
    );
    expect(signals.length).toBeGreaterThanOrEqual(3);

    // The page links to the report: the printable page names the employer and the decision.
    const [report] = await Promise.all([page.waitForEvent('popup'), page.click('#report-html')]);
    await report.locator('#outcome', { hasText: 'APPROVED' }).waitFor();
    expect(await report.textContent('body')).toContain('ABC Corporation');
    await screenshot(report, 'demo-george-report');
    const forwardedWith = requests.filter((r) => r.url.endsWith('/widget-events')).map((r) => r.authorization);
    expect(forwardedWith.length).toBeGreaterThanOrEqual(3);
    for (const authorization of forwardedWith) expect(authorization).toMatch(/^Bearer wt1\./);
  });

  it("reviews Ryan's REVIEW outcome: IN_REVIEW, Approve, COMPLETED APPROVED by the demo", async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/demo`);
    await page.fill('#full-name', SANDBOX_USERS.ryan.fullName);
    await page.check('#review-enabled');
    await page.click('#start');
    await page.locator('#status', { hasText: 'AWAITING_CONNECTION' }).waitFor();
    const verificationId = (await page.textContent('#verification-id'))!;
    expect(await page.isVisible('#approve')).toBe(false);

    const wink = await connectInWink(page, SANDBOX_USERS.ryan);
    await wink.locator('#done').click();

    await page.locator('#status', { hasText: 'IN_REVIEW' }).waitFor({ timeout: 45_000 });
    expect(await page.textContent('#decision')).toBe('REVIEW');
    expect(await page.textContent('#reasons')).toContain('CONTRIBUTION_GAP');
    await screenshot(page, 'demo-ryan-in-review');
    const reviews: { authorization?: string }[] = [];
    page.on(
      'request',
      (r) => r.url().endsWith('/review') && reviews.push({ authorization: r.headers().authorization }),
    );
    await page.click('#approve');
    await page.locator('#status', { hasText: 'COMPLETED' }).waitFor();
    await screenshot(page, 'demo-ryan-approved');
    expect(await page.textContent('#decision')).toBe('APPROVED');
    expect(await page.textContent('#review')).toBe('APPROVED by demo (engine: REVIEW)');
    expect(await page.isVisible('#approve')).toBe(false);
    expect(await page.textContent('#problem')).toBe('');
    // The page sent the review with the widget token; the server reviewed with its own key.
    expect(reviews).toEqual([{ authorization: expect.stringMatching(/^Bearer wt1\./) }]);
    const doc = await getStatus(stack, verificationId);
    expect(doc).toMatchObject({
      status: 'COMPLETED',
      decision: { outcome: 'APPROVED', automatedOutcome: 'REVIEW' },
      review: { status: 'RESOLVED', outcome: 'APPROVED', reviewer: 'demo', keyName: 'default' },
    });
  });

  it('is off in production', async () => {
    const production = await buildTestApp(productionOverrides());
    try {
      for (const url of ['/demo', '/demo/verifications', '/demo/verifications/verification-x/review'])
        expect((await production.app.inject({ method: url === '/demo' ? 'GET' : 'POST', url })).statusCode).toBe(404);
    } finally {
      await production.close();
    }
  });
});
