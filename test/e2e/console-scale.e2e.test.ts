import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceRequests } from '../../db/schema/index.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { launchBrowser } from '../support/browser.js';
import { migratedPgliteClone, uniquePrefix } from '../support/databases.js';

const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
const ADMIN = { email: 'scale@test.local', password: 'a-long-test-password' };
const OPEN_REQUESTS = 10_000;

// Figures printed here come from a shared, loaded 2-core machine: read them as upper bounds.
describe('queue board with 10,000 open requests', () => {
  let hub: Hub;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    hub = await startHub(loadConfig({
      PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, HUB_ADMIN_EMAIL: ADMIN.email, HUB_ADMIN_PASSWORD: ADMIN.password,
    }), { log: createLogger('silent'), consoleDir, pglite: await migratedPgliteClone() });
    base = `http://127.0.0.1:${hub.httpPort}`;
    // Rows straight into the table (the pipeline is measured by its own benchmark): 10,000 open
    // requests spread over the last days, as a busy service desk has them.
    const priorities = ['high', 'medium', 'normal', 'low'] as const;
    const now = Date.now();
    for (let start = 0; start < OPEN_REQUESTS; start += 1000) {
      await hub.db.insert(serviceRequests).values(Array.from({ length: 1000 }, (_, i) => {
        const n = start + i;
        const createdAt = new Date(now - (OPEN_REQUESTS - n) * 30_000);
        return {
          type: 'request' as const, channel: 'web' as const, priority: priorities[n % 4]!, subject: `Störung Nr. ${n}`,
          createdAt, updatedAt: createdAt, responseDueAt: new Date(createdAt.getTime() + 8 * 3_600_000), resolutionDueAt: new Date(createdAt.getTime() + 48 * 3_600_000),
        };
      }));
    }
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('renders only the visible rows, pages on scroll and keeps keyboard moves fast', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    const started = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('queue-row').first().waitFor();
    const firstRowsMs = Date.now() - started;

    const rows = page.getByTestId('queue-row');
    const list = page.locator('.vlist');
    let loaded = 0;
    const scrollStarted = Date.now();
    while (loaded < 2000) {
      await list.evaluate((el) => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); });
      await expect.poll(async () => Number((await page.getByTestId('row-count').textContent())!.replace(/\D/g, '')), { timeout: 15_000 }).toBeGreaterThan(loaded);
      loaded = Number((await page.getByTestId('row-count').textContent())!.replace(/\D/g, ''));
      expect(await rows.count()).toBeLessThan(80);
    }
    const pagingMs = Date.now() - scrollStarted;

    // Jump into the middle and move with the keyboard: each move is one small re-render.
    await list.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; el.dispatchEvent(new Event('scroll')); });
    const frameMs = await page.evaluate(() => new Promise<number>((resolve) => {
      const t = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
    }));
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const keysStarted = Date.now();
    for (let i = 0; i < 60; i += 1) await page.keyboard.press('j');
    await expect.poll(() => page.locator('.qrow.selected').getAttribute('data-id'), { timeout: 15_000 }).not.toBeNull();
    const keysMs = Date.now() - keysStarted;
    expect(await rows.count()).toBeLessThan(80);

    console.info(`[console scale, loaded machine] ${OPEN_REQUESTS} open: first rows ${firstRowsMs} ms after sign-in; `
      + `${loaded} rows paged in ${pagingMs} ms; two frames after a jump ${frameMs.toFixed(1)} ms; 60 j presses ${keysMs} ms; DOM rows ${await rows.count()}`);
  });
});
