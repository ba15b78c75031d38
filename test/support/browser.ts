import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo } from '../../db/seed/demo.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { migratedPgliteClone, uniquePrefix } from './databases.js';

/** Debian's Chromium, headless; Playwright cannot download browsers on this machine. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * The browser tests' side door to the hub under test: a JSON call with a bearer token (the
 * admin's unless another is given). Base URL and token are read at call time, since both are
 * known only once the test's beforeAll has started the hub.
 */
export function hubCaller(target: () => { base: string; token: string }) {
  // any: test fixtures read whatever the route answers
  return async (method: string, path: string, body?: unknown, token?: string): Promise<any> => {
    const t = target();
    const res = await fetch(`${t.base}/api${path}`, {
      method, headers: { authorization: `Bearer ${token ?? t.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

export const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url));

export interface DemoHub { hub: Hub; base: string; adminToken: string }

/** A hub with the built console on a fresh PGlite copy with the demo data, and the admin's token. */
export async function startDemoHub(name: string, env: Record<string, string> = {}): Promise<DemoHub> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const hub = await startHub(loadConfig({ PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix(name)}`, ...env }), {
    log: createLogger('silent'), consoleDir: CONSOLE_DIR, pglite: await migratedPgliteClone(), seed: async (db, log) => { await seedDemo(db, log); },
  });
  const base = `http://127.0.0.1:${hub.httpPort}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD }),
  });
  return { hub, base, adminToken: (await login.json()).token };
}

/** A new browser context signed in to the console as a demo user (every demo user has DEMO_PASSWORD). */
export async function signInConsole(browser: Browser, base: string, email: string, context: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1360, height: 860 }, ...context })).newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}
