import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { launchBrowser } from '../support/browser.js';
import { migratedPgliteClone, uniquePrefix } from '../support/databases.js';
import { makeAsset } from '../support/factories.js';

const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
const shots = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url));
const admin = { email: 'chef@test.local', password: 'a-long-test-password' };

describe('console placeholder in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    hub = await startHub(loadConfig({
      PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, HUB_ADMIN_EMAIL: admin.email, HUB_ADMIN_PASSWORD: admin.password,
    }), { log: createLogger('silent'), consoleDir, pglite: await migratedPgliteClone() });
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('refuses a wrong password, then signs in and shows the install base and the latest requests', async () => {
    await makeAsset(hub.db);
    await hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Kältemaschine tropft' });
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong email or password');

    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toBe('Administrator · admin');
    expect(await page.getByTestId('asset-count').textContent()).toMatch(/^1 assets/);
    await page.getByText('Kältemaschine tropft').waitFor();
    expect(await page.locator('tbody tr td').first().textContent()).toMatch(/^SR-\d{6}$/);
    await page.screenshot({ path: `${shots}/console-signed-in.png`, fullPage: true });

    // The session is a cookie: a reload stays signed in; signing out returns to the form.
    await page.reload();
    await page.getByTestId('who').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('serves the console for deep links but keeps /api errors as JSON', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${base}/requests/some-deep-link`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('Service Hub');
    const api = await fetch(`${base}/api/does-not-exist`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('NOT_FOUND');
  });
});
