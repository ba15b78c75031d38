import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assets, customers, outbox, serviceOrders, serviceRequests } from '../../db/schema/index.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo } from '../../db/seed/demo.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { launchBrowser } from '../support/browser.js';
import { migratedPgliteClone, uniquePrefix } from '../support/databases.js';

const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
const shots = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url));
const ADMIN = { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD };
const CUSTOMER_EMAIL = 'customer.mueller@demo.local';

describe('web form and customer portal in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  // "Another site" that embeds the form: its own origin, listed in PUBLIC_CORS_ORIGINS.
  let site: Server;
  let siteUrl: string;
  /** the request the customer filed through the form in the first test */
  let filed: { id: string; number: string; subject: string };

  async function signInConsole(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${base}/queue`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }

  /** A unit of Müller's (DEMO-C-001) in warranty and without an open request, so the form opens a new one. */
  async function freeUnitInWarranty() {
    const [c] = await hub.db.select().from(customers).where(eq(customers.externalRef, 'DEMO-C-001'));
    const today = new Date().toISOString().slice(0, 10);
    const rows = await hub.db.select().from(assets).where(and(eq(assets.customerId, c!.id), gte(assets.warrantyUntil, today),
      sql`not exists (select 1 from ${serviceRequests} where ${serviceRequests.assetId} = ${assets.id} and ${serviceRequests.status} not in ('resolved', 'closed', 'closed_unresolved'))`));
    if (!rows[0]) throw new Error('the demo data has no free unit in warranty for DEMO-C-001');
    return rows[0];
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    site = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><h1>ACME Kältetechnik</h1><p>Service request:</p><script src="${base}/portal/embed.js" data-category="repair"></script>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    hub = await startHub(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, PUBLIC_CORS_ORIGINS: siteUrl }), {
      log: createLogger('silent'), consoleDir, pglite: await migratedPgliteClone(), seed: async (db, log) => { await seedDemo(db, log); },
    });
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('a customer fills the form with a custom field and a serial number, sees the warranty, and the agent console shows it live', async () => {
    const unit = await freeUnitInWarranty();
    const staff = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    const agentPage = await signInConsole(staff);
    // The console is connected before the customer sends: what follows arrives live.
    await agentPage.locator('.live-live').waitFor({ timeout: 15_000 });

    const ctx = await browser.newContext({ viewport: { width: 900, height: 1100 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/portal/new`);
    await page.getByLabel('Category').selectOption({ label: 'Repair / fault report' });
    await page.getByLabel('Serial number (type plate)').fill(unit.serialNumber);
    await page.getByLabel('Serial number (type plate)').press('Tab');
    await expect.poll(() => page.locator('#serial-verdict').getAttribute('data-verdict'), { timeout: 15_000 }).toMatch(/in_warranty|under_contract/);
    await page.getByLabel('What is wrong?').selectOption('not cooling');
    const subject = `Kühlvitrine kühlt nicht ${Date.now()}`;
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Description').fill('Seit heute früh 12 °C in der Vitrine.');
    await page.getByLabel('Your name').fill('Franz Müller');
    await page.getByLabel('Email').fill(CUSTOMER_EMAIL);
    await page.screenshot({ path: `${shots}/portal-01-form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Send' }).click();
    const done = page.getByRole('status').filter({ hasText: 'We opened request' });
    await done.waitFor({ timeout: 15_000 });
    const number = await done.getAttribute('data-number');
    expect(number).toMatch(/^SR-\d{6}$/);
    await page.screenshot({ path: `${shots}/portal-02-sent.png`, fullPage: true });

    const [row] = await hub.db.select().from(serviceRequests).where(eq(serviceRequests.subject, subject));
    filed = { id: row!.id, number: number!, subject };
    expect(row).toMatchObject({ channel: 'web', assetId: unit.id, customFields: { serial_number: unit.serialNumber, symptom: 'not cooling' } });
    await expect.poll(() => agentPage.getByTestId('queue-row').filter({ hasText: subject }).count(), { timeout: 15_000 }).toBe(1);
    await agentPage.screenshot({ path: `${shots}/portal-03-console-live.png` });
    // The acknowledgement waits in the outbox with the tracking link.
    const [ack] = await hub.db.select().from(outbox).where(and(eq(outbox.requestId, row!.id), eq(outbox.template, 'ack'))).orderBy(desc(outbox.createdAt));
    expect(ack!.text).toMatch(new RegExp(`/portal/t/${row!.id}\\.`));
    // The tracking link's page follows the request live, without a sign-in.
    const trackingPath = new URL(/(https?:\/\/\S+\/portal\/t\/[\w.-]+)/.exec(ack!.text)![1]!).pathname;
    const tracked = await ctx.newPage();
    await tracked.goto(`${base}${trackingPath}`);
    await tracked.locator('body[data-live="on:1"]').waitFor({ timeout: 15_000 });
    const login = await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
    const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    const noted = await fetch(`${base}/api/requests/${row!.id}/notes`, { method: 'POST', headers: auth, body: JSON.stringify({ body: 'A technician will call you this afternoon.', isInternal: false }) });
    expect(noted.status).toBe(201);
    await expect.poll(() => tracked.getByTestId('timeline').textContent(), { timeout: 15_000 }).toContain('A technician will call you this afternoon.');
    await tracked.screenshot({ path: `${shots}/portal-03b-tracking-live.png`, fullPage: true });
    await ctx.close();
    await staff.close();
  });

  it('suggests public knowledge-base answers while the customer describes the problem', async () => {
    const ctx = await browser.newContext({ viewport: { width: 900, height: 1100 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/portal/new`);
    await page.getByLabel('Subject').fill('Dishwasher leaves white spots on the glasses');
    const answers = page.locator('#answers');
    await answers.getByText('Dishwasher leaves spots and white film: descale and check the rinse aid').click({ timeout: 15_000 });
    await answers.getByText('Fill the rinse-aid container').waitFor();
    await page.screenshot({ path: `${shots}/portal-00-answers.png`, fullPage: true });
    // The demo's E206 article is internal: it never reaches the public form.
    await page.getByLabel('Subject').fill('Cabinet stops, E206 high-pressure cut-out');
    await page.getByLabel('Description').fill('Clean the condenser? The compressor trips again.');
    await expect.poll(() => answers.isHidden(), { timeout: 15_000 }).toBe(true);
    await ctx.close();
  });

  it('embeds the form with the snippet on another site', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(siteUrl);
    const frame = page.frameLocator('iframe');
    await frame.getByLabel('Serial number (type plate)').waitFor({ timeout: 15_000 });
    expect(await frame.getByLabel('Category').inputValue()).not.toBe('');
    await expect.poll(async () => Number((await page.locator('iframe').boundingBox())?.height ?? 0), { timeout: 10_000 }).toBeGreaterThan(600);
    await page.screenshot({ path: `${shots}/portal-04-embedded.png` });
    await ctx.close();
  });

  it('the customer signs in by emailed link, sees the request, and accepts the completed work; the console shows it live', async () => {
    // The technician's part, through the side door: the work on the filed request is completed.
    const [order] = await hub.db.insert(serviceOrders).values({
      requestId: filed.id, kind: 'corrective', priority: 'normal', status: 'completed', completedAt: new Date(), description: 'Lüfter des Verflüssigers getauscht',
    }).returning();
    const staff = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    const agentPage = await signInConsole(staff);
    await agentPage.goto(`${base}/requests/${filed.id}`);
    await agentPage.getByTestId('timeline').waitFor();

    const ctx = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/portal`);
    await page.getByLabel('Email address').fill(CUSTOMER_EMAIL);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').filter({ hasText: 'sign-in link is on its way' }).waitFor();
    const [mail] = await hub.db.select().from(outbox).where(and(eq(outbox.toAddress, CUSTOMER_EMAIL), eq(outbox.template, 'portal_sign_in'))).orderBy(desc(outbox.createdAt)).limit(1);
    const link = /(https?:\/\/\S+\/portal\/sign-in\/[\w-]+)/.exec(mail!.text)![1]!;
    await page.goto(`${base}${new URL(link).pathname}`);
    const row = page.getByTestId('portal-row').filter({ hasText: filed.subject });
    await row.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${shots}/portal-05-list.png`, fullPage: true });
    await row.getByRole('link', { name: filed.number }).click();
    await page.getByTestId('order-card').waitFor();
    await page.screenshot({ path: `${shots}/portal-06-decide.png`, fullPage: true });
    await page.getByRole('button', { name: 'Accept the work' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 15_000 }).toBe('Accepted');
    const [accepted] = await hub.db.select().from(serviceOrders).where(eq(serviceOrders.id, order!.id));
    expect(accepted).toMatchObject({ status: 'accepted', acceptedVia: 'portal' });
    await page.screenshot({ path: `${shots}/portal-07-accepted.png`, fullPage: true });
    // Live in the console: the acceptance lands on the request's timeline without a reload.
    await expect.poll(() => agentPage.getByTestId('timeline').textContent(), { timeout: 15_000 }).toContain('completed → accepted');
    await agentPage.screenshot({ path: `${shots}/portal-08-console-accepted.png` });
    // Live in the portal: the agent takes the request on, and the customer's page follows
    // (once its socket has joined the organisation's and the request's rooms).
    await page.locator('body[data-live="on:2"]').waitFor({ timeout: 15_000 });
    const login = await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
    const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    const current = await (await fetch(`${base}/api/requests/${filed.id}`, { headers: auth })).json();
    const moved = await fetch(`${base}/api/requests/${filed.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ version: current.version, status: 'in_progress' }) });
    expect(moved.status).toBe(200);
    await expect.poll(() => page.getByTestId('request-status').textContent(), { timeout: 15_000 }).toBe('In progress');
    await page.screenshot({ path: `${shots}/portal-09-live-status.png`, fullPage: true });
    // The link worked once.
    await page.goto(`${base}${new URL(link).pathname}`);
    await page.getByRole('status').filter({ hasText: 'used already or has expired' }).waitFor();
    await ctx.close();
    await staff.close();
  });
});
