import { eq } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../db/client.js';
import { alarms, devices } from '../db/schema/index.js';
import { createTestDatabase, uniquePrefix } from './support/databases.js';
import { TEST_REDIS_URL } from './support/env.js';
import { makeAsset } from './support/factories.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { startMosquitto, type PrivateMosquitto } from './support/mosquitto.js';
import { connectSocket } from './support/sockets.js';

const ADMIN = { email: 'admin@shutdown.test', password: 'shutdown-admin-password' };

// A hub process on PostgreSQL, Redis and the project's Mosquitto gets SIGTERM while a batch is
// held in its transaction (a test transaction locks the alarms table): it keeps answering, with
// 503, stops taking MQTT messages, commits and acknowledges what it took, closes consoles'
// sockets so they reconnect elsewhere, and exits 0 — or exits 1 once HUB_SHUTDOWN_SECONDS pass.
describe('graceful shutdown of a hub process (SIGTERM)', () => {
  let broker: PrivateMosquitto;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let handle: DbHandle;
  let locker: postgres.Sql;
  let probe: postgres.Sql;
  let pub: MqttClient;
  const hubs: HubProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await openDb({ databaseUrl: database.url, maxConnections: 2 });
    locker = postgres(database.url, { max: 1, onnotice: () => {} });
    probe = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  // A broker per test: Mosquitto keeps handing a share of the group's messages to the offline
  // persistent session of a hub that stopped, so an earlier test's hub would take part.
  beforeEach(async () => {
    broker = await startMosquitto();
    pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: uniquePrefix('pub'), reconnectPeriod: 0 });
  });
  afterEach(async () => {
    await pub?.endAsync(true);
    for (const h of hubs.splice(0)) await h.kill();
    await broker?.stop();
  });
  afterAll(async () => {
    await locker?.end({ timeout: 1 });
    await probe?.end({ timeout: 1 });
    await handle?.close();
    await database?.drop();
  });

  const start = async (env: Record<string, string>) => {
    const h = await startHubProcess({
      DATABASE_URL: database.url, MQTT_URL: broker.url, REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: uniquePrefix('q'),
      MQTT_SUBSCRIBERS: '1', HUB_ADMIN_EMAIL: ADMIN.email, HUB_ADMIN_PASSWORD: ADMIN.password, ...env,
    });
    hubs.push(h);
    return h;
  };
  const newDevice = async () => {
    const asset = await makeAsset(handle.db);
    const [d] = await handle.db.insert(devices).values({ assetId: asset.id, tokenHash: 'x' }).returning();
    return {
      count: async () => (await handle.db.select().from(alarms).where(eq(alarms.assetId, asset.id)))[0]?.count ?? 0,
      send: (id: string) => pub.publishAsync(`devices/${d!.id}/alarms`, JSON.stringify({ id, code: 'E101', state: 'raised' }), { qos: 1 }),
    };
  };
  const waiting = async () => (await probe`select 1 from pg_locks where not granted and relation = 'alarms'::regclass`).length;
  /** a test transaction holds the alarms table until the returned function is called */
  const lockAlarms = async () => {
    let release!: () => void;
    const held = locker.begin(async (tx) => {
      await tx`lock table alarms in exclusive mode`;
      await new Promise<void>((resolve) => { release = resolve; });
    });
    await expect.poll(async () => (await probe`select 1 from pg_locks where granted and relation = 'alarms'::regclass and mode = 'ExclusiveLock'`).length, { timeout: 10_000 }).toBeGreaterThan(0);
    return async () => { release(); await held; };
  };

  it('drains: 503 while finishing, commits and acknowledges what it took, closes sockets, exits 0; the rest is redelivered', async () => {
    const hubId = uniquePrefix('g');
    let hub = await start({ HUB_ID: hubId, HUB_SHUTDOWN_SECONDS: '30' });
    const device = await newDevice();
    await device.send('m1');
    await expect.poll(device.count, { timeout: 15_000 }).toBe(1);
    const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const { token } = await login.json() as { token: string };
    const socket = await connectSocket(hub.url, { token });
    const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));

    const release = await lockAlarms();
    await device.send('m2');
    await expect.poll(waiting, { timeout: 15_000 }).toBeGreaterThan(0);
    const t0 = Date.now();
    const exited = hub.stop();
    // Still up, but out of rotation: readiness fails and new requests are turned away.
    await expect.poll(async () => {
      const r = await fetch(`${hub.url}/readyz`);
      return { status: r.status, accepting: ((await r.json()) as { checks: Record<string, string> }).checks.accepting };
    }, { timeout: 10_000 }).toEqual({ status: 503, accepting: 'failing: shutting down' });
    const refused = await fetch(`${hub.url}/api/requests`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    // A message arriving now is not taken: it stays in the hub's broker session.
    await device.send('m3');
    await release();
    expect(await exited, hub.output()).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(30_000);
    // transport close (not "io server disconnect"): socket.io clients reconnect by themselves
    expect(await disconnected).toBe('transport close');
    expect(await device.count()).toBe(2);

    hub = await start({ HUB_ID: hubId });
    await expect.poll(device.count, { timeout: 20_000 }).toBe(3);
    expect((await hub.stop()).code).toBe(0);
  }, 120_000);

  it('exits within HUB_SHUTDOWN_SECONDS when a transaction cannot finish, acknowledging nothing it did not commit', async () => {
    const hubId = uniquePrefix('b');
    let hub = await start({ HUB_ID: hubId, HUB_SHUTDOWN_SECONDS: '2' });
    const device = await newDevice();
    const release = await lockAlarms();
    await device.send('n1');
    await expect.poll(waiting, { timeout: 15_000 }).toBeGreaterThan(0);
    const t0 = Date.now();
    expect((await hub.stop()).code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(10_000);
    await release();
    expect(await device.count()).toBe(0);
    hub = await start({ HUB_ID: hubId });
    await expect.poll(device.count, { timeout: 20_000 }).toBe(1);
    expect((await hub.stop()).code).toBe(0);
  }, 120_000);
});
