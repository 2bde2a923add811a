import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { WINK_CALLBACKS } from '../../sandbox/wink/callbacks.js';
import { connectInWink, launchBrowser, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_USERS } from '../../sandbox/users.js';
import { startSandbox, type TestSandbox } from '../fixtures/sandbox/harness.js';

/**
 * A host page on its own origin loads the sandbox's smile.v2.js, opens
 * SmileLinkModal and records every callback; a real browser logs in as George.
 */

function hostPage(sdkUrl: string, userToken: string): string {
  const callbacks = WINK_CALLBACKS;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>
<button id="link">Link your account</button>
<script src="${sdkUrl}"></script>
<script>
window.calls = [];
var options = { apiHost: 'https://link-sandbox.smileapi.io/v1', userToken: ${JSON.stringify(userToken)}, templateId: 'wtpl-test', companyName: 'Acme Lending', topProviders: ['sss_ph'], enableUpload: true };
${JSON.stringify(callbacks)}.forEach(function (name) { options[name] = function (data) { window.calls.push({ callback: name, data: data }); }; });
var modal = new SmileLinkModal(options);
document.getElementById('link').onclick = function () { modal.open(); };
</script></body></html>`;
}

let sandbox: TestSandbox;
let host: Server;
let browser: Browser;
beforeAll(async () => {
  sandbox = await startSandbox();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)));
});

async function serveHost(html: string): Promise<string> {
  host = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
}

describe('the sandbox Wink widget', () => {
  it('George logs in through SmileLinkModal: onAccountCreated, onAccountConnected, onClose', async () => {
    const { userId, userToken } = await sandbox.createUser();
    const url = await serveHost(hostPage(`${sandbox.url}/wink/smile.v2.js`, userToken));
    const page = await browser.newPage();
    await page.goto(url);
    const wink = await connectInWink(page, SANDBOX_USERS.george);
    await wink.locator('#done').waitFor({ state: 'visible' });
    await screenshot(page, 'wink-widget-connected');
    await wink.locator('#done').click();
    await page.locator('#smile-link-modal').waitFor({ state: 'detached' });

    const calls = (await page.evaluate('window.calls')) as { callback: string; data: Record<string, unknown> }[];
    const [account] = [...sandbox.sandbox.sandboxState.accounts.values()].filter((r) => r.account.userId === userId);
    expect(account?.account.connectionStatus).toBe('CONNECTED');
    const ids = { accountId: account!.account.id, userId, providerId: 'sss_ph' };
    expect(calls.filter((c) => c.callback !== 'onUIEvent')).toEqual([
      { callback: 'onAccountCreated', data: ids },
      { callback: 'onAccountConnected', data: ids },
      { callback: 'onClose', data: { reason: 'exit' } },
    ]);
    const screens = calls.filter((c) => c.callback === 'onUIEvent').map((c) => c.data);
    expect(screens.map((s) => s.eventName)).toEqual([
      'ConsentPageOpened',
      'ProviderListPageOpened',
      'LoginPageOpened',
      'MfaPageOpened',
      'ConnectSuccessPageOpened',
    ]);
    expect(screens.at(-1)).toMatchObject({
      mode: 'SANDBOX',
      userId,
      account: { providerId: 'sss_ph', accountId: ids.accountId },
    });
    await page.close();
  });

  it('an expired token fires onTokenExpired; closing fires onClose with reason close', async () => {
    await sandbox.call('POST', '/sandbox/v1/faults', { tokenTtlSeconds: 0 });
    const { userToken } = await sandbox.createUser();
    await sandbox.call('DELETE', '/sandbox/v1/faults');
    const url = await serveHost(hostPage(`${sandbox.url}/wink/smile.v2.js`, userToken));
    const page = await browser.newPage();
    await page.goto(url);
    await page.click('#link');
    const wink = page.frameLocator('#smile-link-frame');
    await wink.locator('#expired').waitFor({ state: 'visible' });
    await wink.locator('#close').click();
    await page.locator('#smile-link-modal').waitFor({ state: 'detached' });
    const calls = (await page.evaluate('window.calls')) as { callback: string; data?: unknown }[];
    expect(calls.map((c) => c.callback)).toEqual(['onTokenExpired', 'onClose']);
    expect(calls[1]!.data).toEqual({ reason: 'close' });
    await page.close();
  });
});
