import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../api/schemas/report.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { SANDBOX_USERS, startVerification, uniqueUser, waitUntilClosed } from '../support/journeys.js';
import { auth, startStack, type Stack } from '../support/stack.js';

/**
 * A person follows the hosted invite: the sandbox's landing page opens the Wink
 * widget, and Maria uploads her payslips on its upload screen. The run takes the
 * payslips as her income (the policy allows it) and the report shows them.
 */

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the invite landing page and the widget’s upload screen', () => {
  it('Maria opens her invite and uploads payslips: the run judges six documents', async () => {
    const maria = SANDBOX_USERS.maria;
    const started = (await startVerification(stack, {
      externalUserId: uniqueUser('e2e-invite-upload'),
      applicant: { fullName: maria.fullName },
      invite: { email: maria.username },
      policy: { requiredDatapoints: ['incomes'], acceptPayslipsAsIncome: true, minMonthlyIncome: { PHP: 20_000 } },
    })) as Awaited<ReturnType<typeof startVerification>> & { invite: { url: string; status: string } };
    expect(started.invite.status).toBe('INVITED');

    const page = await browser.newPage({ viewport: { width: 520, height: 900 } });
    const landing = await page.goto(started.invite.url);
    expect(landing?.status()).toBe(200);
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').textContent()).toContain('Maria Clara Santos');
    const wink = page.frameLocator('#wink');
    await wink.locator('#consent-agree').click();
    await screenshot(page, 'invite-landing-providers');
    await wink.locator('#upload-start').click();
    await wink.locator('[data-file-type="PAYSLIP"]').click();
    // The sandbox preselects the invitee's payslips (Smile would read them from the file).
    expect(await wink.locator('#sample').inputValue()).toBe('maria');
    await wink
      .locator('#file')
      .setInputFiles({ name: 'payslips.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await screenshot(page, 'invite-upload-screen');
    await wink.locator('#upload-submit').click();
    await wink.locator('#archive-success').waitFor();
    await screenshot(page, 'invite-upload-done');

    const doc = await waitUntilClosed(stack, started.verificationId);
    expect(doc.status).toBe('COMPLETED');
    expect(doc.documents).toHaveLength(6);
    const report = (
      await stack.app.inject({
        method: 'GET',
        url: `/v1/verifications/${started.verificationId}/report`,
        headers: auth,
      })
    ).json() as Report;
    expect(report.documents).toHaveLength(6);
    expect(report.income.source).toBe('payslips');
    expect(report.rules.find((r) => r.code === 'INCOME_BELOW_MINIMUM')?.result).toBe('pass');

    const html = await stack.app.inject({
      method: 'GET',
      url: `/v1/verifications/${started.verificationId}/report`,
      headers: { ...auth, accept: 'text/html' },
    });
    await page.setContent(html.body);
    await screenshot(page, 'invite-upload-report');
    await page.close();
  });

  it('the demo page’s “invite by email” shows the invite’s landing link, which opens the widget', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/demo`);
    await page.fill('#external-user-id', uniqueUser('e2e-demo-invite'));
    await page.check('#invite-enabled');
    await page.click('#start');
    const link = page.locator('#invite-link');
    await link.waitFor();
    expect(await page.locator('#invite').textContent()).toContain('INVITED');
    await screenshot(page, 'demo-invite');
    const landing = await browser.newPage();
    expect((await landing.goto((await link.getAttribute('href'))!))?.status()).toBe(200);
    await landing.frameLocator('#wink').locator('#consent-agree').waitFor();
    await landing.close();
    await page.click('#cancel');
    await page.close();
  });
});
