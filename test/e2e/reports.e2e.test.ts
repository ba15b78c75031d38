import { readFileSync } from 'node:fs';
import { and, count, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarms, assets, productModels, serviceRequests } from '../../db/schema/index.js';
import type { Hub } from '../../hub/hub.js';
import { hubCaller, launchBrowser, SCREENSHOTS as shots, signInConsole, startDemoHub } from '../support/browser.js';

// Issue 9's reports page: a supervisor opens it from the navigation, sees the volume chart and
// its table, regroups it, and downloads the CSV; an agent has no reports link.

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

describe('reports in the console', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;
  let adminToken: string;
  const call = hubCaller(() => ({ base, token: adminToken }));

  const signIn = (email: string) => signInConsole(browser, base, email, { viewport: { width: 1360, height: 900 }, acceptDownloads: true, timezoneId: 'UTC', locale: 'en-US' });
  const tableRows = (page: Page) => page.getByTestId('report-table').locator('tbody tr').evaluateAll(
    (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
  );

  beforeAll(async () => {
    ({ hub, base, adminToken } = await startDemoHub('reports'));
    browser = await launchBrowser();
  });
  afterAll(async () => { await browser?.close(); await hub?.close(); });

  it('draws the volume chart with its table, regroups it and downloads the CSV', async () => {
    const ids: string[] = [];
    for (const channel of ['phone', 'phone', 'phone', 'email', 'email', 'web']) {
      ids.push((await call('POST', '/requests', { subject: `Report demo ${channel}`, channel, priority: 'normal' })).request.id);
    }
    // Two of the calls came in five days ago, so the chart has two days.
    const earlier = new Date(Date.now() - 5 * 86_400_000);
    await hub.db.update(serviceRequests).set({ createdAt: earlier }).where(inArray(serviceRequests.id, ids.slice(0, 2)));
    const [day1, day2] = [isoDay(earlier), isoDay(new Date())];

    const page = await signIn('supervisor.sabine@demo.local');
    await page.getByRole('link', { name: /Reports/ }).click();
    await page.getByTestId('report-table').waitFor({ timeout: 15_000 });
    await expect.poll(() => tableRows(page), { timeout: 15_000 }).toEqual([[day1, 'phone', '2'], [day2, 'email', '2'], [day2, 'phone', '1'], [day2, 'web', '1']]);
    // The chart is drawn: the canvas has painted pixels.
    const painted = () => page.getByTestId('report-chart').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
      return n;
    });
    await expect.poll(painted, { timeout: 15_000 }).toBeGreaterThan(2_000);
    await page.screenshot({ path: `${shots}/reports-volume.png`, fullPage: true });

    await page.getByLabel('Group by').selectOption('type');
    await expect.poll(() => tableRows(page), { timeout: 15_000 }).toEqual([[day1, 'request', '2'], [day2, 'request', '4']]);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^volume_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(`day,type,Requests\n${day1},request,2\n${day2},request,4\n`);

    await page.locator('select').and(page.getByLabel('Report')).selectOption('sla');
    await page.getByTestId('report-table').locator('th', { hasText: 'Answered in time %' }).waitFor({ timeout: 15_000 });
    // The grouping falls back to the SLA report's own default, and the control says so.
    await expect.poll(() => page.getByLabel('Group by').inputValue(), { timeout: 15_000 }).toBe('priority');
    expect(await tableRows(page)).toEqual([['normal', '6', '0', '0', '—', '0', '0', '—', '0']]);
    await page.screenshot({ path: `${shots}/reports-sla.png`, fullPage: true });

    // Alarm rate: three alarms this month on units of one model, against that model's installed base.
    const [unit] = await hub.db.select({ id: assets.id, modelId: assets.modelId, code: productModels.code }).from(assets)
      .innerJoin(productModels, eq(productModels.id, assets.modelId)).orderBy(assets.serialNumber).limit(1);
    const now = new Date();
    await hub.db.insert(alarms).values(['E1', 'E2', 'E3'].map((faultCode) => ({
      assetId: unit!.id, faultCode, severity: 'major' as const, state: 'cleared' as const, count: 1, firstSeenAt: now, lastSeenAt: now, stateChangedAt: now,
    })));
    const month = `${isoDay(now).slice(0, 7)}-01`;
    const [{ installed }] = await hub.db.select({ installed: count() }).from(assets)
      .where(and(eq(assets.modelId, unit!.modelId), lte(sql`date_trunc('month', coalesce(${assets.installedAt}, ${assets.createdAt}::date))`, sql`${month}::date`))) as [{ installed: number }];
    await page.goto(`${base}/reports?name=alarm-rate`);
    await expect.poll(async () => (await tableRows(page)).find((r) => r[0] === month && r[1] === unit!.code), { timeout: 15_000 })
      .toEqual([month, unit!.code, String(installed), '3', (Math.round((300 / installed) * 100) / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })]);
    await expect.poll(painted, { timeout: 15_000 }).toBeGreaterThan(1_000);
    await page.screenshot({ path: `${shots}/reports-alarm-rate.png`, fullPage: true });

    const agent = await signIn('agent.anna@demo.local');
    await agent.getByRole('link', { name: /Queues/ }).waitFor();
    expect(await agent.getByRole('link', { name: /Reports/ }).count()).toBe(0);
  });
});
