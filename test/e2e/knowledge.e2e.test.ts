import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL } from '../../db/seed/demo.js';
import type { Hub } from '../../hub/hub.js';
import { hubCaller, launchBrowser, SCREENSHOTS as shots, signInConsole, startDemoHub } from '../support/browser.js';

// Issue 9's knowledge base in the console: an agent gets an article suggested in the request
// view and puts its answer into a reply; an editor finds it without typing the umlaut and edits it.

describe('knowledge base in the console', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  let adminToken: string;
  const call = hubCaller(() => ({ base, token: adminToken }));
  const signIn = (email: string) => signInConsole(browser, base, email);

  beforeAll(async () => {
    ({ hub, base, adminToken } = await startDemoHub('kb'));
    browser = await launchBrowser();
  });
  afterAll(async () => { await browser?.close(); await hub?.close(); });

  it('suggests an article in the request view, puts its answer into the reply, and lets an editor find and edit it', async () => {
    const created = await call('POST', '/requests', { subject: 'Kalkablagerung im Boiler', description: 'Das Wasser läuft nur noch langsam durch.', priority: 'normal' });
    const requestId = created.request.id as string;
    const article = await call('POST', '/knowledge/articles', {
      title: 'Kalkablagerung im Boiler entfernen', tags: ['Boiler'], visibility: 'public',
      body: '## Lösung\n\nEntkalken mit **Zitronensäure** (10 %), 30 Minuten einwirken lassen.\n\n- Boiler spülen\n- Sieb reinigen',
    });
    await call('POST', `/knowledge/articles/${article.id}/status`, { version: 1, status: 'published' });

    const agent = await signIn('agent.anna@demo.local');
    await agent.goto(`${base}/requests/${requestId}`);
    const panel = agent.getByTestId('kb-suggestions');
    await panel.getByText('Kalkablagerung im Boiler entfernen').waitFor({ timeout: 15_000 });
    await expect.poll(() => panel.textContent(), { timeout: 15_000 }).toContain('words: kalkablagerung, boiler');
    await panel.getByRole('button', { name: 'Use in reply' }).click();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await expect.poll(() => reply.inputValue(), { timeout: 15_000 }).toContain('Entkalken mit Zitronensäure (10 %), 30 Minuten einwirken lassen.');
    expect(await reply.inputValue()).not.toContain('**');
    await agent.screenshot({ path: `${shots}/knowledge-suggested.png` });

    const editor = await signIn(DEMO_ADMIN_EMAIL);
    await editor.getByRole('link', { name: /Knowledge base/ }).click();
    await editor.getByLabel('Search articles').fill('zitronensaure');
    const list = editor.getByTestId('kb-list');
    await list.getByText('Kalkablagerung im Boiler entfernen').click();
    const view = editor.getByTestId('kb-article');
    await view.locator('.markdown strong', { hasText: 'Zitronensäure' }).waitFor();
    expect(await view.locator('.markdown li').allTextContents()).toEqual(['Boiler spülen', 'Sieb reinigen']);
    await view.getByRole('button', { name: 'Edit' }).click();
    const form = editor.getByTestId('kb-editor');
    await form.getByLabel('Title').fill('Boiler entkalken');
    await form.getByLabel('What changed').fill('kürzerer Titel');
    await form.getByRole('button', { name: 'Save' }).click();
    await view.getByRole('heading', { name: 'Boiler entkalken' }).waitFor();
    await expect.poll(() => view.locator('.panel-head').textContent(), { timeout: 15_000 }).toContain('v3');
    await list.getByText('Boiler entkalken').waitFor();
    await editor.screenshot({ path: `${shots}/knowledge-page.png` });
    const revisions = await call('GET', `/knowledge/articles/${article.id}/revisions`);
    expect(revisions.items[0]).toMatchObject({ version: 3, title: 'Boiler entkalken', note: 'kürzerer Titel' });
  });
});
