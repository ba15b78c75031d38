import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the hub as `npm start` does (scripts/hub.sh; the global setup built the bundle, not the console) and collects its output. */
function startProcess(env: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-start-'));
  dirs.push(dataDir);
  const child = spawn('sh', ['scripts/hub.sh'], {
    cwd: root, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (re: RegExp) => new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => { const m = out.match(re); if (m) { resolve(m); return true; } return false; };
    if (check()) return;
    const onData = () => { if (check()) child.stdout.off('data', onData); };
    child.stdout.on('data', onData);
    void exited.then(() => { if (!check()) reject(new Error(`exited before ${re}:\n${out}`)); });
  });
  return { child, waitFor, exited, output: () => out };
}

async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

describe('npm start on a bare machine', () => {
  it('prints how to sign in; a newcomer signs in, imports assets from CSV and sees them through the API', async () => {
    // HUB_NODE_ARGS: node flags that NODE_OPTIONS refuses, such as a CPU profile written at exit
    const profiles = mkdtempSync(path.join(os.tmpdir(), 'hub-prof-'));
    dirs.push(profiles);
    const p = startProcess({ PORT: '0', HUB_HEAP_MB: '200', HUB_HEAP_GROWTH_PERCENT: '150', HUB_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${profiles}` });
    const [, url] = await p.waitFor(/console (http:\/\/localhost:\d+)\//);
    const [, email, password] = await p.waitFor(/sign in as (\S+) with password {2}(\S+)/);
    expect(p.output()).toMatch(/database {3}PGlite \(embedded\)/);
    expect(p.output()).toMatch(/jobs {7}in-process runner/);
    // old space 200 MB plus the young generation; a hub started without the cap would say ~4 GB
    const heapMb = Number(/memory {5}V8 heap limit (\d+) MB/.exec(p.output())?.[1]);
    expect(heapMb).toBeGreaterThanOrEqual(200);
    expect(heapMb).toBeLessThan(300);
    expect(p.output()).toMatch(/V8 heap limit \d+ MB, old space grows 150% between full collections\n/);

    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const { token } = await login.json() as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const model = await fetch(`${url}/api/product-models`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'HP-12', name: 'Wärmepumpe 12 kW', productLine: 'heat pumps' }) });
    expect(model.status).toBe(201);
    const customers = await fetch(`${url}/api/import/customers`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'externalRef;name;country;region\nC-1;Bäckerei Müller GmbH;DE;Bayern\nC-2;Győri Hűtőház Kft.;HU;Győr-Moson-Sopron\n' });
    expect(await customers.json()).toEqual({ rows: 2, created: 2, updated: 0 });
    const assets = await fetch(`${url}/api/import/assets`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'serialNumber,modelCode,customerRef,installedAt,warrantyUntil\nHP12-0001,HP-12,C-1,2025-03-01,2027-03-01\nHP12-0002,HP-12,C-2,2022-05-10,2024-05-10\n' });
    expect(assets.status, p.output()).toBe(200);
    const list = await (await fetch(`${url}/api/assets?limit=10`, { headers: auth })).json() as { items: Array<{ serialNumber: string }> };
    expect(list.items.map((a) => a.serialNumber).sort()).toEqual(['HP12-0001', 'HP12-0002']);

    // A restart keeps everything (PGlite in DATA_DIR) and does not print a new password.
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1);
  });

  it('stops with a message naming the variable when a value is bad', async () => {
    const p = startProcess({ PORT: 'eighty', REDIS_URL: 'localhost:6379' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/PORT: /);
    expect(p.output()).toMatch(/REDIS_URL: expected a URL with scheme redis or rediss/);
  });

  it('refuses a heap cap that is not a number of megabytes or too small to run in, and a heap growth that is not a number of percent or too large', async () => {
    for (const [value, message] of [['1g', /HUB_HEAP_MB: expected a whole number of megabytes, got '1g'/], ['64', /HUB_HEAP_MB: at least 128/]] as const) {
      const p = startProcess({ PORT: '0', HUB_HEAP_MB: value });
      expect(await p.exited).toBe(1);
      expect(p.output()).toMatch(message);
    }
    for (const [value, message] of [['-5', /HUB_HEAP_GROWTH_PERCENT: expected a whole number of percent \(0: V8's own choice\), got '-5'/], ['5000', /HUB_HEAP_GROWTH_PERCENT: at most 1000, got 5000/]] as const) {
      const p = startProcess({ PORT: '0', HUB_HEAP_GROWTH_PERCENT: value });
      expect(await p.exited).toBe(1);
      expect(p.output()).toMatch(message);
    }
  });

  it('stops when an explicitly set port is taken, naming PORT', async () => {
    const { server, port } = await occupyPort();
    try {
      const p = startProcess({ PORT: String(port) });
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain(`PORT=${port}: the port is already in use`);
    } finally {
      server.close();
    }
  });

  it('moves to the next free port when the default one is taken, and says so', async () => {
    const { server, port } = await occupyPort();
    try {
      // The default port is 3000; here a test-only default stands in through the same code path.
      const { listenWithFallback } = await import('../hub/platform/listen.js');
      const http = (await import('node:http')).createServer();
      const got = await listenWithFallback(http, { port, isExplicit: false, variable: 'PORT' });
      expect(got).toBeGreaterThan(port);
      http.close();
    } finally {
      server.close();
    }
  });
});
