import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo } from '../../db/seed/demo.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { hubCaller, launchBrowser } from '../support/browser.js';
import { migratedPgliteClone, uniquePrefix } from '../support/databases.js';

const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
const shots = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url));
const AGENT = { email: 'agent.anna@demo.local', password: DEMO_PASSWORD };
const ADMIN = { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD };

const SUBJECTS = [
  'Kühlvitrine erreicht 8 °C nicht mehr', 'Spülmaschine zeigt Fehler E205', 'Wärmepumpe taktet ständig',
  'Tür der Kühlzelle schließt nicht', 'Kondensator sehr laut', 'Wartungstermin vereinbaren', 'Rechnung falsch: Beschwerde',
  'Eisbildung am Verdampfer', 'Display bleibt dunkel', 'Wasserlache unter dem Gerät', 'Kompressor startet nicht',
  'Temperaturalarm nachts', 'Spülergebnis schlecht', 'Heizstab defekt?', 'Geräusch beim Anlauf', 'Inbetriebnahme neue Filiale',
];
const PRIORITIES = ['high', 'medium', 'normal', 'low'] as const;

describe('agent console in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  let adminToken: string;

  const call = hubCaller(() => ({ base, token: adminToken }));
  const openRequest = (subject: string, priority: (typeof PRIORITIES)[number], extra: Record<string, unknown> = {}) =>
    call('POST', '/requests', { subject, priority, description: `${subject}. Kunde bittet um Rückruf.`, ...extra });

  async function signIn(ctx: BrowserContext, who: { email: string; password: string }): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }
  const newContext = () => browser.newContext({ viewport: { width: 1440, height: 860 } });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    hub = await startHub(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}` }), {
      log: createLogger('silent'), consoleDir, pglite: await migratedPgliteClone(), seed: async (db, log) => { await seedDemo(db, log); },
    });
    base = `http://127.0.0.1:${hub.httpPort}`;
    adminToken = (await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()).token;
    for (const [i, s] of SUBJECTS.entries()) await openRequest(s, PRIORITIES[i % 4]!, i % 5 === 4 ? { type: 'complaint' } : {});
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('refuses a wrong password, then shows the queue board with live rows, filters and keyboard navigation', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/queue`);
    await page.getByLabel('Email').waitFor();
    await page.screenshot({ path: `${shots}/01-login.png` });
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toBe('wrong email or password');
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toBe('Anna Schmidt');
    // An agent sees work screens, not administration.
    expect(await page.getByRole('link', { name: /Phone intake/ }).count()).toBe(1);
    expect(await page.getByRole('link', { name: /Dead letters/ }).count()).toBe(0);

    const rows = page.getByTestId('queue-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(SUBJECTS.length);
    await expect.poll(() => page.locator('.live-live').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: `${shots}/02-queue.png` });

    // A request arriving while the board is open shows up at the top, highlighted.
    await openRequest('Neue Meldung: Kühlzelle Alarm', 'high');
    await expect.poll(() => rows.first().textContent(), { timeout: 10_000 }).toContain('Neue Meldung: Kühlzelle Alarm');
    expect(await rows.first().getAttribute('class')).toContain('arrived');
    await page.screenshot({ path: `${shots}/03-queue-live.png` });

    await page.getByLabel('Priority').selectOption('high');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(5);
    for (const text of await rows.allTextContents()) expect(text).toContain('High');
    await page.keyboard.press('/');
    await page.keyboard.type('Verdampfer');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(0);
    await page.getByText('No request matches these filters.').waitFor();
    await page.getByLabel('Search requests').fill('');
    await page.getByLabel('Priority').selectOption('');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(SUBJECTS.length + 1);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const third = await rows.nth(2).getAttribute('data-id');
    expect(await rows.nth(2).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/requests/${third}`);
    await page.getByTestId('timeline').waitFor();
    await ctx.close();
  });

  it('changes status and priority along the allowed moves, adds a note, and shows changes made elsewhere live', async () => {
    const created = await openRequest('Spülmaschine verliert Wasser', 'normal');
    const id = created.request.id;
    const ctx = await newContext();
    const page = await signIn(ctx, ADMIN);
    await page.goto(`${base}/requests/${id}`);
    await page.getByRole('heading', { name: /Spülmaschine verliert Wasser/ }).waitFor();
    // From "new" only the machine's moves are offered.
    const moves = await page.locator('.actions .btn-stack .btn').allTextContents();
    expect(moves).toEqual(['Assigned', 'In progress', 'Escalated', 'Resolved', 'Closed unresolved']);

    await page.getByRole('button', { name: 'In progress', exact: true }).click();
    await expect.poll(() => page.locator('.req-title .status').textContent(), { timeout: 15_000 }).toBe('In progress');
    await page.getByRole('group', { name: 'Priority' }).getByRole('button', { name: 'High' }).click();
    await expect.poll(() => page.locator('.req-title .prio').textContent(), { timeout: 15_000 }).toBe('High');

    await page.keyboard.press('n');
    await page.keyboard.type('Kunde informiert, Techniker kommt morgen früh.');
    await page.keyboard.press('Control+Enter');
    await page.locator('.tl-note').getByText('Kunde informiert, Techniker kommt morgen früh.').waitFor();
    await expect.poll(() => page.locator('.tl-status_changed').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: `${shots}/04-request.png` });
    expect((await call('GET', `/requests/${id}`)).status).toBe('in_progress');

    // A change made elsewhere reaches the open request live.
    const current = await call('GET', `/requests/${id}`);
    await call('PATCH', `/requests/${id}`, { version: current.version, subject: 'Spülmaschine verliert Wasser (Filiale Nord)' });
    await page.getByRole('heading', { name: /Filiale Nord/ }).waitFor();
    await page.getByRole('button', { name: 'Escalate…' }).click();
    await page.getByLabel('Why escalate?').fill('Kunde droht mit Vertragskündigung');
    await page.getByRole('button', { name: 'Escalate', exact: true }).click();
    await expect.poll(() => page.locator('.req-title .status').textContent(), { timeout: 15_000 }).toBe('Escalated');
    expect((await call('GET', `/requests/${id}`)).status).toBe('escalated');
    await ctx.close();
  });

  it('shows the conflict message when the version on screen is stale', async () => {
    const created = await openRequest('Kühlzelle vereist', 'normal');
    const id = created.request.id;
    const ctx = await newContext();
    const page = await signIn(ctx, ADMIN);
    // Freeze the live stream (socket and its polling fallback) so the page keeps the version it read.
    await page.route('**/socket.io/**', (route) => route.abort());
    await page.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
    await page.route('**/api/events*', (route) => route.abort());
    await page.goto(`${base}/requests/${id}`);
    await page.getByRole('heading', { name: /Kühlzelle vereist/ }).waitFor();
    await expect.poll(() => page.getByTestId('stale-banner').count(), { timeout: 10_000 }).toBe(1);
    await call('PATCH', `/requests/${id}`, { version: created.request.version, priority: 'high' });
    await page.getByRole('button', { name: 'Escalated' }).click();
    await expect.poll(() => page.getByTestId('conflict').textContent(), { timeout: 15_000 }).toContain('Someone else changed this request');
    await expect.poll(() => page.locator('.req-title .prio').textContent(), { timeout: 15_000 }).toBe('High');
    await page.screenshot({ path: `${shots}/05-conflict-and-stale.png` });
    await ctx.close();
  });

  it('takes a call from the keyboard: finds the caller, links a unit, opens a request, then adds a second call to it', async () => {
    const ctx = await newContext();
    const page = await signIn(ctx, AGENT);
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await page.getByLabel('Caller').waitFor();
    await page.getByLabel('Caller').fill('+49 171 4432190');
    await page.keyboard.press('Enter');
    const card = page.getByTestId('caller-card');
    await card.getByText('Bäckerei Müller GmbH').waitFor();
    const serial = (await card.locator('tbody tr td.mono').first().textContent())!.trim();
    await card.locator('tbody tr').first().click();
    await page.getByLabel('Subject').fill('Vitrine kühlt nicht');
    await page.keyboard.press('Control+Enter');
    await page.waitForURL('**/requests/*');
    await page.getByRole('heading', { name: /Vitrine kühlt nicht/ }).waitFor();
    await expect.poll(() => page.locator('.facts').textContent(), { timeout: 15_000 }).toContain('Bäckerei Müller GmbH');
    expect(await page.locator('.facts').textContent()).toContain(serial);
    const firstUrl = page.url();

    // The same caller again: the open request is offered, Alt+1 adds the call to it.
    await page.goto(`${base}/intake?phone=%2B491714432190`);
    const candidates = page.getByTestId('candidates');
    await candidates.getByText('Vitrine kühlt nicht').waitFor();
    await page.screenshot({ path: `${shots}/15-intake-duplicates.png` });
    await page.getByLabel('Subject').focus();
    await page.keyboard.press('Alt+1');
    await page.waitForURL(firstUrl);
    await expect.poll(() => page.locator('.tl').count(), { timeout: 15_000 }).toBeGreaterThan(1);

    // By name: a list of callers to pick from, then the same card.
    await page.goto(`${base}/intake`);
    await page.getByLabel('Search by').selectOption('name');
    await page.getByLabel('Caller').fill('Franz');
    await page.keyboard.press('Enter');
    await page.getByTestId('caller-hits').getByRole('button', { name: /Franz Müller/ }).click();
    await page.getByTestId('caller-card').getByText('Bäckerei Müller GmbH').waitFor();
    await ctx.close();
  });

  it('answers the customer by email from the request view, and names the colleague who holds the request', async () => {
    const contacts = await call('GET', '/contacts?limit=200');
    const contact = contacts.items.find((c: { email: string | null }) => c.email);
    const created = await openRequest('Eismaschine tropft', 'normal', { contactId: contact.id, customerId: contact.customerId });
    const id = created.request.id;
    const supervisor = (await call('GET', '/users?limit=500')).items.find((u: { role: string }) => u.role === 'supervisor');
    await call('PATCH', `/requests/${id}`, { version: created.request.version, assigneeId: supervisor.id });

    const ctx = await newContext();
    const page = await signIn(ctx, AGENT);
    await page.goto(`${base}/requests/${id}`);
    await page.getByRole('heading', { name: /Eismaschine tropft/ }).waitFor();
    // An agent may not list users, yet sees who holds the request.
    await expect.poll(() => page.locator('.facts').textContent(), { timeout: 15_000 }).toContain(supervisor.name);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('r');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), { timeout: 15_000 }).toBe('Reply');
    await page.keyboard.type('Guten Tag, unser Techniker kommt morgen zwischen 8 und 10 Uhr.');
    await page.screenshot({ path: `${shots}/18-reply.png` });
    await page.keyboard.press('Control+Enter');
    await page.locator('.tl[data-kind="email_out"]').getByText('unser Techniker kommt morgen').waitFor();
    const outbox = await call('GET', `/outbox?requestId=${id}`);
    expect(outbox.items.filter((m: { kind: string }) => m.kind === 'reply')).toEqual([expect.objectContaining({ kind: 'reply', to: contact.email, text: expect.stringContaining('unser Techniker kommt morgen') })]);
    await ctx.close();
  });

  it('shows a supervisor the outbox and sends a failed mail again', async () => {
    const mails = await call('GET', '/outbox?limit=50');
    const reply = mails.items.find((m: { kind: string }) => m.kind === 'reply');
    expect(reply, 'the reply test queued a mail').toBeTruthy();
    // As if the customer's server had refused it for good.
    await hub.db.update(outbox).set({ status: 'failed', lastError: '550 5.1.1 mailbox unavailable' }).where(eq(outbox.id, reply.id));
    const ctx = await newContext();
    const page = await signIn(ctx, ADMIN);
    await page.getByRole('link', { name: /Outbox/ }).click();
    await page.getByLabel('Status').selectOption('failed');
    const row = page.getByTestId('outbox').locator('tr[data-status=failed]').filter({ hasText: reply.to });
    await row.getByText('550 5.1.1 mailbox unavailable').waitFor();
    await page.screenshot({ path: `${shots}/19-outbox-failed.png`, fullPage: true });
    await row.getByRole('button', { name: 'Send again' }).click();
    await expect.poll(async () => (await call('GET', `/outbox?requestId=${reply.requestId}`)).items.find((m: { id: string }) => m.id === reply.id).status, { timeout: 15_000 }).not.toBe('failed');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    await ctx.close();
  });

  it('sends the agent to sign in when the session ends', async () => {
    const ctx = await newContext();
    const page = await signIn(ctx, AGENT);
    await page.getByTestId('queue-row').first().waitFor();
    await ctx.clearCookies();
    // The next call to the hub gets 401: the agent's filter change, or a background refresh of
    // the queue counts that comes first (then the filter is gone before it can be used).
    await Promise.race([
      page.getByLabel('Priority').selectOption('low').catch(() => undefined),
      page.waitForURL('**/login**'),
    ]);
    await page.getByText('Your session ended. Sign in again to continue.').waitFor();
    expect(page.url()).toContain('/login');
    await ctx.close();
  });

  it('lets an admin create a team with business hours and rejects a CSV with a bad row, row by row', async () => {
    const ctx = await newContext();
    const page = await signIn(ctx, ADMIN);
    await page.getByRole('link', { name: /Teams & routing/ }).click();
    await page.getByTestId('teams').waitFor();
    await page.screenshot({ path: `${shots}/06-teams.png`, fullPage: true });
    await page.getByRole('button', { name: 'New team' }).click();
    const form = page.getByRole('form', { name: 'Team' });
    await form.getByLabel('Name').fill('Nachtschicht Kälte');
    await form.getByLabel('Region').fill('DE-North');
    await form.getByLabel('Time zone').fill('Europe/Vienna');
    await form.getByLabel('Sat').check();
    await form.getByLabel('Holiday').fill('2026-12-24');
    await form.getByRole('button', { name: 'Add holiday' }).click();
    await page.screenshot({ path: `${shots}/07-team-form.png`, fullPage: true });
    await form.getByRole('button', { name: 'Create team' }).click();
    await page.getByTestId('teams').getByText('Nachtschicht Kälte').waitFor();
    const teams = await call('GET', '/teams?limit=500');
    const made = teams.items.find((t: { name: string }) => t.name === 'Nachtschicht Kälte');
    expect(made.calendar).toEqual({ timeZone: 'Europe/Vienna', weekdays: [1, 2, 3, 4, 5, 6], open: '08:00', close: '17:00', holidays: ['2026-12-24'] });

    await page.getByRole('link', { name: /CSV import/ }).click();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'customers.csv', mimeType: 'text/csv',
      buffer: Buffer.from('externalRef,name,country\nE2E-1,Café Zentral,AT\nE2E-2,,DE\nE2E-3,Bistro Süd,Germany\n'),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByTestId('import-errors');
    await report.waitFor();
    const cells = await report.locator('tbody tr').allTextContents();
    expect(cells.length).toBe(2);
    expect(cells[0]).toContain('name');
    expect(cells[1]).toContain('country');
    await page.screenshot({ path: `${shots}/08-import-errors.png`, fullPage: true });
    expect((await call('GET', '/customers?limit=500')).items.some((c: { externalRef: string | null }) => c.externalRef === 'E2E-1')).toBe(false);
    await ctx.close();
  });

  it('shows the other screens with honest states (screenshots)', async () => {
    const ctx = await newContext();
    const page = await signIn(ctx, ADMIN);
    for (const [path, name, ready] of [
      ['/admin/users', '09-users', 'table.data'],
      ['/admin/catalog', '10-catalog', '.cards'],
      ['/admin/devices', '11-devices', 'form'],
      ['/admin/dead-letters', '12-dead-letters', '.state, table.data'],
      ['/alarms', '13-alarms', '.state'],
      ['/intake?phone=%2B49%20171%204432190', '14-intake', '[data-testid=caller-card]'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.locator(ready).first().waitFor();
      await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    }
    // No device has raised anything on this hub: the panel says all is well rather than showing nothing.
    await page.goto(`${base}/alarms`);
    await page.getByText('No active alarms').waitFor();
    await page.screenshot({ path: `${shots}/alarms-empty.png`, fullPage: true });
    await ctx.close();
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
