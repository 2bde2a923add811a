import { existsSync, mkdirSync } from 'node:fs';
import chromiumPackage from '@sparticuz/chromium';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import type { SandboxPersona } from '../../sandbox/users.js';

/**
 * Chromium driven by playwright-core, never Playwright's own downloads: `CHROMIUM_PATH` or Debian's
 * `chromium` when one is installed, else the headless build from the `@sparticuz/chromium` dev
 * dependency (unpacked into the temp folder on first use, so `npm ci` is all a fresh clone needs).
 * Screenshots land in test-results/screenshots as CI artifacts.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function chromiumExecutable(): Promise<string> {
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  return chromiumPackage.executablePath();
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  const args = executablePath === SYSTEM_CHROMIUM ? CHROMIUM_ARGS : [...CHROMIUM_ARGS, '--no-zygote'];
  return chromium.launch({ executablePath, args });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/**
 * Opens the page's Smile Link modal (its `#link` button) and logs `persona` in through the sandbox's
 * Wink widget: consent, the persona's provider, credentials, MFA. Returns the widget's frame, on the
 * screen whose `#done` closes it.
 */
export async function connectInWink(page: Page, persona: SandboxPersona): Promise<FrameLocator> {
  await page.click('#link');
  const wink = page.frameLocator('#smile-link-frame');
  await wink.locator('#consent-agree').click();
  await wink.locator(`[data-provider-id="${persona.providerId}"]`).click();
  await wink.locator('#username').fill(persona.username);
  await wink.locator('#password').fill(persona.password);
  await wink.locator('#login-submit').click();
  await wink.locator('#mfa-code').fill(persona.mfaCode);
  await wink.locator('#mfa-submit').click();
  return wink;
}
