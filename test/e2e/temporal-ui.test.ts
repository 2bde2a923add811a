import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-server.js';
import { freePort } from '../../scripts/ports.js';
import { startStack, type Stack } from '../support/stack.js';
import * as journey from '../support/journeys.js';
import { launchBrowser, screenshot } from '../support/browser.js';

/**
 * What an operator does in the Temporal Web UI, in a real browser: filter by the
 * VerificationStatus search attribute, open a completed verification, and read
 * its input decoded by our codec endpoint (history itself holds only ciphertext).
 * This file runs its own dev server, with the UI, pointed at the API's /codec,
 * the way `npm run dev` does.
 */
let server: DevServer;
let stack: Stack;
let browser: Browser;
let uiUrl: string;
beforeAll(async () => {
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  server = await startTemporalDevServer({
    binary: await resolveTemporalBinary(() => {}),
    port: temporalPort,
    uiPort,
    codecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
  });
  uiUrl = `http://127.0.0.1:${uiPort}`;
  [stack, browser] = await Promise.all([
    // Development mode, as under `npm run dev`: the local UI calls the codec without a key.
    startStack({
      NODE_ENV: 'development',
      PORT: String(apiPort),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_UI_PORT: String(uiPort),
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await server?.stop();
});

describe('the Temporal Web UI', () => {
  it('finds a completed verification by VerificationStatus and shows its decoded input', async () => {
    const done = journey.uniqueUser('ui-done');
    const waiting = journey.uniqueUser('ui-waiting');
    const completed = await journey.startVerification(stack, {
      externalUserId: done,
      applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
    });
    const open = await journey.startVerification(stack, { externalUserId: waiting });
    await journey.connect(stack, completed.link.userToken, journey.SANDBOX_USERS.george);
    expect(await journey.waitUntilClosed(stack, completed.verificationId)).toMatchObject({ status: 'COMPLETED' });

    const page = await browser.newPage();
    await page.goto(
      `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('VerificationStatus="COMPLETED"')}`,
    );
    // The visibility store catches up within a second or two: reload until the row shows.
    const row = page.getByRole('link', { name: completed.verificationId, exact: true });
    for (let attempt = 0; !(await row.isVisible()) && attempt < 20; attempt++) {
      await page.waitForTimeout(500);
      if (attempt % 4 === 3) await page.reload();
    }
    await row.waitFor();
    expect(await page.getByRole('link', { name: open.verificationId, exact: true }).count()).toBe(0);
    await screenshot(page, 'temporal-ui-completed-filter');

    await row.click();
    await page.waitForURL(/\/history/);
    // The Input panel (a code view) shows JSON the codec decrypted: the workflow's arguments, not ciphertext.
    const input = page.locator('.cm-content', { hasText: '"requestId"' });
    await input
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(async (error: Error) => {
        await screenshot(page, 'temporal-ui-input-missing');
        throw error;
      });
    const text = await input.first().innerText();
    expect(text).toContain(`"externalUserId": "${done}"`);
    expect(text).toContain('"nameMatchThreshold"');
    expect(text).not.toContain('binary/encrypted');
    expect(await page.getByText('Codec Server could not journey.connect').count()).toBe(0);
    await screenshot(page, 'temporal-ui-decoded-input');
  });
});
