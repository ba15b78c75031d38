import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { connectFleet, publishPaced, type DeviceCredentials } from '../bench/fleet.js';
import { createLogger } from '../hub/platform/logger.js';

// npm run simulate -- --devices N --rate R [--seconds S] [--broker mqtt://localhost:1883]
//   [--hub http://localhost:3000 --email admin@… --password …]   provisions N devices through the API
//   [--credentials devices.json]                                 reuses (or, with --hub, saves) their credentials
// Devices publish a realistic mix of QoS 1 alarms (raises, repeats, clears) at R messages/s in total.

const log = createLogger('info').child({ component: 'simulator' });
const Credentials = z.array(z.object({ deviceId: z.uuid(), token: z.string().min(1) }));

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      devices: { type: 'string', default: '10' }, rate: { type: 'string', default: '10' }, seconds: { type: 'string', default: '60' },
      broker: { type: 'string', default: 'mqtt://localhost:1883' }, hub: { type: 'string' }, email: { type: 'string' },
      password: { type: 'string' }, credentials: { type: 'string' }, seed: { type: 'string', default: '7' },
    },
  });
  const n = z.coerce.number().int().positive().parse(a.devices);
  const rate = z.coerce.number().positive().parse(a.rate);
  const seconds = z.coerce.number().positive().parse(a.seconds);
  let creds: DeviceCredentials[];
  if (a.hub) {
    if (!a.email || !a.password) throw new Error('--hub needs --email and --password (an admin or supervisor)');
    creds = await provision(a.hub, a.email, a.password, n);
    if (a.credentials) writeFileSync(a.credentials, JSON.stringify(creds, null, 2));
  } else if (a.credentials) {
    creds = Credentials.parse(JSON.parse(readFileSync(a.credentials, 'utf8'))).slice(0, n);
  } else {
    throw new Error('give --hub URL --email --password (provision devices) or --credentials FILE');
  }
  log.info({ devices: creds.length, broker: a.broker }, 'connecting devices');
  const fleet = await connectFleet(a.broker, creds);
  log.info({ rate, seconds }, 'publishing');
  let sent = 0;
  const progress = setInterval(() => log.info({ sent }, 'published'), 5000);
  await publishPaced(fleet, { rate, total: Math.round(rate * seconds), seed: Number(a.seed), onSent: () => { sent++; } });
  clearInterval(progress);
  log.info({ sent }, 'done; every message was acknowledged by the broker');
  await Promise.all(fleet.map((d) => d.client.endAsync()));
}

/** One device per asset (the first N assets the hub lists), created through the API. */
async function provision(hub: string, email: string, password: string, n: number): Promise<DeviceCredentials[]> {
  const login = await fetch(`${hub}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const { token } = z.object({ token: z.string() }).parse(await login.json());
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const assetIds: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${hub}/api/assets?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth });
    const page = z.object({ items: z.array(z.object({ id: z.uuid() })), nextCursor: z.string().nullable() }).parse(await res.json());
    assetIds.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor && assetIds.length < n);
  if (!assetIds.length) throw new Error('the hub has no assets: load demo data (npm run seed) or import assets first');
  const out: DeviceCredentials[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${hub}/api/devices`, { method: 'POST', headers: auth, body: JSON.stringify({ assetId: assetIds[i % assetIds.length], name: `simulator ${i}` }) });
    if (res.status !== 201) throw new Error(`device not created: ${res.status} ${await res.text()}`);
    out.push(Credentials.element.parse(await res.json()));
  }
  log.info({ devices: out.length, assets: Math.min(n, assetIds.length) }, 'devices provisioned');
  return out;
}

main().catch((err: unknown) => {
  log.error({ err }, 'simulator failed');
  process.exitCode = 1;
});
