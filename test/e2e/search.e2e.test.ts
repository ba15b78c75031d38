import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/hub.js';
import { hubCaller, launchBrowser, SCREENSHOTS as shots, signInConsole, startDemoHub } from '../support/browser.js';

// Issue 9's search in the console: the agent presses "/", types a serial number and lands on the
// asset's request; words found without their umlauts are marked in the dropdown, chosen by keyboard.


describe('global search in the console', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  let adminToken: string;
  const call = hubCaller(() => ({ base, token: adminToken }));

  const signIn = (email: string) => signInConsole(browser, base, email);

  beforeAll(async () => {
    ({ hub, base, adminToken } = await startDemoHub('search'));
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => { await browser?.close(); await hub?.close(); });

  it('jumps from a typed serial number to the asset\'s request, and marks words found without diacritics', async () => {
    const customer = await call('POST', '/customers', { name: 'Bäckerei Kowalczyk', country: 'PL' });
    const model = await call('POST', '/product-models', { code: `WP-E2E-${randomBytes(2).toString('hex')}`, name: 'Wärmepumpe 9 kW', productLine: 'heat pumps' });
    const serial = `WP-${randomBytes(3).toString('hex').toUpperCase()}-77`;
    const asset = await call('POST', '/assets', { serialNumber: serial, modelId: model.id, customerId: customer.id });
    const created = await call('POST', '/requests', { subject: 'Außengerät vereist, Störung E12', description: 'Die Wärmepumpe taut nicht mehr ab.', assetId: asset.id, priority: 'high' });
    const other = await call('POST', '/requests', { subject: 'Wartung vereinbaren', description: 'Kunde meldet Störung am Display.', priority: 'normal' });

    const agent = await signIn('agent.anna@demo.local');
    // the queue page keeps "/" for its own filter box: Ctrl+K is the global one everywhere
    await agent.keyboard.press('Control+k');
    const box = agent.getByTestId('global-search');
    await expect.poll(() => agent.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 15_000 }).toBe('global-search');

    await box.pressSequentially('storung', { delay: 20 });
    const drop = agent.getByTestId('search-dropdown');
    await drop.locator('.gsearch-title', { hasText: 'Außengerät vereist, Störung E12' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => drop.locator('mark').allTextContents(), { timeout: 15_000 }).toContain('Störung');
    await agent.screenshot({ path: `${shots}/search-dropdown.png` });

    // ↓ moves to the second result (the request with the word in its description), Enter opens it
    const titles = await drop.locator('.gsearch-title').allTextContents();
    const second = titles[1]!;
    await box.press('ArrowDown');
    await box.press('Enter');
    const secondId = second.startsWith(created.request.number) ? created.request.id : other.request.id;
    await agent.waitForURL(`**/requests/${secondId}`, { timeout: 15_000 });

    // "/" on the request page, a serial typed in lower case, Enter: straight to the asset's request
    await agent.keyboard.press('/');
    await expect.poll(() => agent.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 15_000 }).toBe('global-search');
    await box.fill(serial.toLowerCase());
    await box.press('Enter');
    await agent.waitForURL(`**/requests/${created.request.id}`, { timeout: 15_000 });
    await agent.getByText('Außengerät vereist, Störung E12').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 15_000 }).not.toBe('global-search');
    await agent.screenshot({ path: `${shots}/search-jumped.png` });

    // all results for the customer's name, then only its assets
    await agent.keyboard.press('Control+k');
    await box.fill('kowalczyk');
    await drop.getByText('All results and filters…').waitFor({ timeout: 15_000 });
    await drop.getByText('All results and filters…').click();
    await agent.waitForURL('**/search?q=*', { timeout: 15_000 });
    const results = agent.getByTestId('search-results');
    await results.getByText('Bäckerei Kowalczyk', { exact: false }).first().waitFor({ timeout: 15_000 });
    await agent.getByLabel('Kind').selectOption('asset');
    await results.getByText(serial, { exact: false }).waitFor({ timeout: 15_000 });
    await expect.poll(() => results.locator('a').count(), { timeout: 15_000 }).toBe(1);
    await agent.screenshot({ path: `${shots}/search-page.png` });
  });

  it('finds a misspelt name by the nearest known word and says what it searched for', async () => {
    const customer = await call('POST', '/customers', { name: 'Serwis Chrząszczewski', country: 'PL' });
    await call('POST', '/requests', { subject: 'Pompa ciepła nie grzeje', customerId: customer.id, priority: 'normal' });
    const agent = await signIn('agent.anna@demo.local');
    await agent.keyboard.press('Control+k');
    const box = agent.getByTestId('global-search');
    await box.fill('Chrzaszczewsky');
    const drop = agent.getByTestId('search-dropdown');
    await drop.locator('.gsearch-title', { hasText: 'Serwis Chrząszczewski' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => drop.getByTestId('search-corrected').textContent(), { timeout: 15_000 }).toBe('Showing results for Chrzaszczewski: nothing matched “Chrzaszczewsky”');
    await expect.poll(() => drop.locator('mark').allTextContents(), { timeout: 15_000 }).toContain('Chrząszczewski');
    await agent.screenshot({ path: `${shots}/search-corrected.png` });
  });
});
