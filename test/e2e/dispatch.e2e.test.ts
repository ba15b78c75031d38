import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo } from '../../db/seed/demo.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { hubCaller, launchBrowser } from '../support/browser.js';
import { migratedPgliteClone, uniquePrefix } from '../support/databases.js';

const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
const shots = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url));
const DISPATCHER = { email: 'dispatcher.dieter@demo.local', password: DEMO_PASSWORD };
const TECHNICIAN = { email: 'technician.thomas@demo.local', password: DEMO_PASSWORD };
const ADMIN = { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD };

/** a shared 2-core machine: a hub round trip plus a re-render can take seconds */
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

const ORDERS = [
  { subject: 'Kühlvitrine erreicht 8 °C nicht mehr', priority: 'high' },
  { subject: 'Kompressor startet nicht', priority: 'medium' },
  { subject: 'Wartung Spülmaschine', priority: 'normal' },
  { subject: 'Display bleibt dunkel', priority: 'low' },
] as const;

/** The journey: dispatch by drag and drop, the technician's phone live, the visit done, planned vs actual. */
describe('dispatch board and technician view in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  let adminToken: string;
  const orderIds: string[] = [];
  const numbers: string[] = [];

  const call = hubCaller(() => ({ base, token: adminToken }));

  async function signIn(ctx: BrowserContext, who: { email: string; password: string }, path: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${base}${path}`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // attached, not visible: the phone layout shows the avatar, not the name
    await page.getByTestId('who').waitFor({ state: 'attached' });
    if (new URL(page.url()).pathname !== path) await page.goto(`${base}${path}`);
    return page;
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    hub = await startHub(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('dsp')}` }), {
      log: createLogger('silent'), consoleDir, pglite: await migratedPgliteClone(), seed: async (db, log) => { await seedDemo(db, log); },
    });
    base = `http://127.0.0.1:${hub.httpPort}`;
    adminToken = (await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()).token;
    const template = await call('POST', '/cost-templates', {
      name: 'Kälteservice Standard', currency: 'EUR', lines: [
        { category: 'parts', description: 'Lüftermotor Verflüssiger', partNumber: 'FM-230-12', quantity: 1, unitPriceCents: 12_000 },
        { category: 'labour', description: 'Techniker Stunde', quantity: 2, unitPriceCents: 8_500 },
        { category: 'travel', description: 'Anfahrt km', quantity: 30, unitPriceCents: 60 },
      ],
    });
    const assets: Array<{ id: string; siteId: string | null }> = (await call('GET', '/assets?limit=50')).items.filter((a: { siteId: string | null }) => a.siteId);
    for (const [i, o] of ORDERS.entries()) {
      const created = await call('POST', '/requests', { subject: o.subject, priority: o.priority, description: `${o.subject}. Bitte Techniker schicken.`, assetId: assets[i % assets.length]!.id });
      const order = await call('POST', '/orders', { requestId: created.request.id, description: o.subject, ...(i === 0 ? { templateId: template.id } : {}) });
      orderIds.push(order.id);
      numbers.push(order.number);
    }
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('a dispatcher drags an order onto a technician; the technician sees it live, completes it with parts and a signature; the costs show planned vs actual', async () => {
    const office = await browser.newContext({ viewport: { width: 1440, height: 860 }, locale: 'en-US' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
    const board = await signIn(office, DISPATCHER, '/dispatch');
    const tech = await signIn(phone, TECHNICIAN, '/my-day');

    // The board: technicians as rows, unassigned orders by priority then due time.
    const unassigned = board.getByTestId('unassigned-order');
    await poll(() => unassigned.count()).toBeGreaterThanOrEqual(ORDERS.length);
    const listed = await unassigned.evaluateAll((els) => els.map((e) => e.getAttribute('data-order')));
    expect(listed.filter((n) => numbers.includes(n!))).toEqual(numbers);
    await poll(() => tech.getByText('No visits today').count()).toBe(1);
    await poll(() => board.locator('.live-live').count()).toBe(1);
    await poll(() => tech.locator('.live-live').count()).toBe(1);

    // Drag the high-priority order onto Thomas: planned on his day.
    const thomas = board.locator('[data-testid="tech-row"][data-technician="Thomas Becker"]');
    await board.locator(`[data-testid="unassigned-order"][data-order="${numbers[0]}"]`).dragTo(thomas);
    const visit = thomas.locator(`[data-testid="visit"][data-order="${numbers[0]}"]`);
    await poll(() => visit.getByTestId('order-status').textContent()).toBe('Planned');
    await poll(() => board.locator(`[data-testid="unassigned-order"][data-order="${numbers[0]}"]`).count()).toBe(0);

    // The keyboard way: pick the second order, the ranked suggestions with their reasons, assign to Thomas too.
    await board.locator(`[data-testid="unassigned-order"][data-order="${numbers[1]}"]`).focus();
    await board.keyboard.press('Enter');
    const panel = board.getByTestId('assign-panel');
    await poll(() => panel.getByTestId('suggestion').count()).toBeGreaterThan(0);
    await board.screenshot({ path: `${shots}/20-dispatch-assign.png` });
    await panel.getByTestId('suggestion').filter({ hasText: 'Thomas Becker' }).click();
    await poll(() => thomas.locator(`[data-testid="visit"][data-order="${numbers[1]}"]`).count()).toBe(1);

    // Released, it reaches the technician's phone without a reload.
    await visit.getByRole('button', { name: 'Release' }).click();
    await poll(() => visit.getByTestId('order-status').textContent()).toBe('Dispatched');
    const job = tech.locator(`[data-testid="job"][data-order="${numbers[0]}"]`);
    await poll(() => job.count()).toBe(1);
    expect(await tech.locator(`[data-testid="job"][data-order="${numbers[1]}"]`).count()).toBe(0);
    await board.screenshot({ path: `${shots}/21-dispatch-board.png` });
    await tech.screenshot({ path: `${shots}/22-technician-day.png` });

    // The technician works it: en route, on site, the report with parts, complete, the customer signs.
    await job.locator('.job-summary').click();
    await job.getByRole('button', { name: 'Start driving' }).click();
    await poll(() => job.getByTestId('order-status').textContent()).toBe('En route');
    await poll(() => visit.getByTestId('order-status').textContent()).toBe('En route');
    await job.getByRole('button', { name: 'Arrived on site' }).click();
    const report = job.getByTestId('feedback');
    await report.waitFor();
    await report.getByLabel('Work done').fill('Verflüssigerlüfter getauscht, Kältemittel geprüft, Temperatur nach 40 min bei 4 °C.');
    await report.getByLabel('Fault code').fill('E102');
    await report.getByLabel('Failed component').fill('Verflüssigerlüfter');
    await report.getByLabel('Labour (hours)').fill('1,5');
    await report.getByLabel('Travel (km)').fill('24');
    await report.getByRole('button', { name: '+ Add part' }).click();
    const part = report.getByTestId('part-line');
    await part.getByLabel('Part no.').fill('FM-230-12');
    await part.getByLabel('Description').fill('Lüftermotor Verflüssiger');
    await part.getByLabel('Qty').fill('1');
    await part.getByLabel('Unit price').fill('89,90');
    await report.getByLabel('Object condition').fill('Gerät sauber, Dichtungen gut, Verdampfer leicht vereist.');
    // A camera-sized photo (a few MB of PNG): the browser scales it to fit the hub's 600 KB per photo.
    const photo = Buffer.from(await tech.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 1600; c.height = 1200;
      const g = c.getContext('2d')!;
      const img = g.createImageData(c.width, c.height);
      for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
      g.putImageData(img, 0, 0);
      return c.toDataURL('image/png').split(',')[1]!;
    }), 'base64');
    expect(photo.length).toBeGreaterThan(1024 * 1024);
    await report.getByLabel('Add photo').setInputFiles({ name: 'verfluessiger.png', mimeType: 'image/png', buffer: photo });
    await report.getByRole('img', { name: 'Photo 1' }).waitFor();
    await tech.screenshot({ path: `${shots}/23-technician-report.png`, fullPage: true });
    await report.getByRole('button', { name: 'Submit work report' }).click();
    // the form's own message, if the hub refused the report, is what a failure prints
    await poll(async () => (await job.getByText('Work report saved').count() ? 'saved' : (await job.getByRole('alert').allTextContents()).join(' '))).toBe('saved');
    await job.getByRole('button', { name: 'Complete work' }).click();
    await poll(() => job.getByTestId('order-status').textContent()).toBe('Completed');

    const sign = job.getByTestId('sign-off');
    await sign.getByLabel('Customer name').fill('Maria Huber');
    const pad = await sign.getByTestId('signature-pad').boundingBox();
    expect(pad).not.toBeNull();
    await tech.mouse.move(pad!.x + 30, pad!.y + 110);
    await tech.mouse.down();
    for (const [dx, dy] of [[60, 40], [90, 100], [130, 30], [170, 90], [210, 50], [260, 80]] as const) await tech.mouse.move(pad!.x + dx, pad!.y + dy, { steps: 4 });
    await tech.mouse.up();
    await tech.screenshot({ path: `${shots}/24-technician-sign-off.png`, fullPage: true });
    await sign.getByRole('button', { name: 'Confirm sign-off' }).click();
    await poll(async () => (await job.getByTestId('signed').count() ? 'signed' : (await job.getByRole('alert').allTextContents()).join(' '))).toBe('signed');
    await poll(() => job.getByTestId('order-status').textContent()).toBe('Accepted');
    await poll(() => visit.getByTestId('order-status').textContent()).toBe('Accepted');

    // Persisted: the drawn signature accepted the order; the report's lines are the actual costs.
    const order = await call('GET', `/orders/${orderIds[0]}`);
    expect(order, JSON.stringify(order)).toMatchObject({ status: 'accepted', acceptedVia: 'sign_off' });
    const feedback = await call('GET', `/orders/${orderIds[0]}/feedback`);
    expect(feedback.photos).toEqual([expect.objectContaining({ contentType: 'image/jpeg', bytes: expect.any(Number) })]);
    expect(feedback.photos[0].bytes).toBeLessThanOrEqual(600 * 1024);
    const costs = await call('GET', `/orders/${orderIds[0]}/costs`);
    expect(costs.totals, JSON.stringify(costs)).toMatchObject({ plannedCents: 12_000 + 17_000 + 1_800, actualCents: 8_990 + 12_750 + 1_440 });

    // The order panel from the board: planned vs actual with the margin.
    await visit.getByRole('link', { name: numbers[0] }).click();
    const panel2 = board.getByTestId('costs');
    await panel2.getByTestId('actual-total').waitFor();
    const eur = (c: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(c / 100);
    expect(await panel2.getByTestId('planned-total').textContent()).toBe(eur(costs.totals.plannedCents));
    expect(await panel2.getByTestId('actual-total').textContent()).toBe(eur(costs.totals.actualCents));
    expect(await panel2.getByTestId('margin').textContent()).toContain(eur(costs.totals.plannedCents - costs.totals.actualCents));
    await board.getByTestId('report').getByText('Verflüssigerlüfter getauscht', { exact: false }).waitFor();
    await board.screenshot({ path: `${shots}/25-order-costs.png`, fullPage: true });

    await office.close();
    await phone.close();
  }, 120_000);
});
