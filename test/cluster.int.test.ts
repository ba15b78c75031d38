import { and, eq, inArray, sql } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../db/client.js';
import { alarmOccurrences, alarms, serviceRequests, timelineEntries } from '../db/schema/index.js';
import type { LoggedEvent } from '../hub/contracts/domain-events.js';
import { createTestDatabase, uniquePrefix } from './support/databases.js';
import { TEST_REDIS_URL } from './support/env.js';
import { SLA, makeAsset, makeContract, makeCustomer } from './support/factories.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { startMosquitto, type PrivateMosquitto } from './support/mosquitto.js';
import { connectSocket, dropAdapterStream, type TestSocket } from './support/sockets.js';

const ADMIN = { email: 'admin@cluster.test', password: 'cluster-admin-password' };
const DEVICES = 20;
const PER_DEVICE = 100;
const CODES = ['E101', 'E102'];
/** the response clock: long enough that no SLA timer comes due before the storm and the kill are over */
const RESPONSE_SECONDS = 30;

// Two hub processes on one PostgreSQL, one Redis (BullMQ, socket.io streams adapter) and the
// project's Mosquitto with dynamic security: devices storm the shared subscription, hub A is
// SIGKILLed mid-storm and restarted with the same HUB_ID (its persistent sessions), hub B keeps
// taking its share. Every QoS 1 message is recorded exactly once, one alarm and one request per
// (asset, fault), SLA timers fire once across both hubs' BullMQ workers, a console on B sees
// what A committed, and a console on A replays what it missed.
describe('cluster: two hub processes, one PostgreSQL, Redis and Mosquitto', () => {
  let broker: PrivateMosquitto;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let handle: DbHandle;
  const prefix = uniquePrefix('cl');
  const procs: HubProcess[] = [];
  const sockets: TestSocket[] = [];
  const devices: Array<{ assetId: string; deviceId: string; token: string; client?: MqttClient }> = [];
  let token = '';

  const env = (hubId: string) => ({
    DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: prefix, MQTT_URL: broker.url, MQTT_DYNSEC: 'true',
    HUB_ID: hubId, MQTT_SUBSCRIBERS: '2', HUB_ADMIN_EMAIL: ADMIN.email, HUB_ADMIN_PASSWORD: ADMIN.password,
  });
  const start = async (hubId: string) => { const h = await startHubProcess(env(hubId)); procs.push(h); return h; };
  const api = async (hub: HubProcess, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}${path}`, {
      method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const recordedBy = async (hub: HubProcess) => {
    const m = await fetch(`${hub.url}/metrics`).then((r) => r.text());
    return Number(/hub_alarm_messages_total\{outcome="recorded"\} (\d+)/.exec(m)?.[1] ?? 0);
  };
  const assetIds = () => devices.map((d) => d.assetId);
  const occurrences = async () => (await handle.db.select({ n: sql<number>`coalesce(sum(${alarmOccurrences.raises}), 0)::int` })
    .from(alarmOccurrences).innerJoin(alarms, eq(alarms.id, alarmOccurrences.alarmId)).where(inArray(alarms.assetId, assetIds())))[0]!.n;

  beforeAll(async () => {
    broker = await startMosquitto({ dynsec: { user: 'hub-admin', password: 'cluster-mqtt-admin' } });
    database = await createTestDatabase();
    handle = await openDb({ databaseUrl: database.url, maxConnections: 2 });
    const times = { responseHours: RESPONSE_SECONDS / 3600, resolutionHours: 8 };
    const customer = await makeCustomer(handle.db);
    const contract = await makeContract(handle.db, customer.id, { sla: { ...SLA, high: times, medium: times, normal: times, low: times } });
    const assets = await Promise.all(Array.from({ length: DEVICES }, () => makeAsset(handle.db, { customerId: customer.id, contractId: contract.id })));
    procs.push(await startHubProcess(env('a')), await startHubProcess(env('b')));
    token = (await api(procs[0]!, 'POST', '/api/auth/login', ADMIN)).body.token;
    // provisioned through hub A: each device's client and ACL are in Mosquitto's dynamic security
    for (const a of assets) {
      const res = await api(procs[0]!, 'POST', '/api/devices', { assetId: a.id });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      devices.push({ assetId: a.id, deviceId: res.body.deviceId, token: res.body.token });
    }
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(devices.map((d) => d.client?.endAsync(true)));
    for (const p of procs) await p.kill();
    await handle?.close();
    await database?.drop();
    await broker?.stop();
    await dropAdapterStream(TEST_REDIS_URL, prefix);
  });

  it('records a storm exactly once while hub A is killed and restarted; consoles, replay and timers span both hubs', async () => {
    const [a, b] = procs as [HubProcess, HubProcess];
    const onB = await connectSocket(b.url, { token });
    sockets.push(onB);
    const ack = await onB.subscribe({ rooms: ['alarms'] });
    if (!ack.ok) throw new Error(JSON.stringify(ack));

    for (const d of devices) {
      d.client = await mqtt.connectAsync(broker.plainUrl, {
        username: d.deviceId, password: d.token, clientId: `dev-${d.deviceId}`, protocolVersion: 4, clean: false, reconnectPeriod: 500,
      });
    }
    const base = Date.parse('2026-12-01T08:00:00Z');
    /** each device publishes its messages from..to in bursts of 10 (QoS 1: resolves on the broker's PUBACK) */
    const publish = (from: number, to: number) => Promise.all(devices.map(async (d) => {
      for (let k = from; k < to; k += 10) {
        await Promise.all(Array.from({ length: Math.min(10, to - k) }, (_, j) => {
          const n = k + j;
          return d.client!.publishAsync(`devices/${d.deviceId}/alarms`,
            JSON.stringify({ id: `m${n}`, code: CODES[n % CODES.length], state: 'raised', ts: new Date(base + n * 1000).toISOString() }), { qos: 1 });
        }));
      }
    }));
    const total = DEVICES * PER_DEVICE;
    // First half of the storm; once both hubs have recorded part of it, A dies with whatever it
    // holds uncommitted or unacknowledged, and the second half is published while it is away.
    await publish(0, PER_DEVICE / 2);
    await expect.poll(async () => (await recordedBy(a)) > 0 && (await recordedBy(b)) > 0, { timeout: 30_000, interval: 20 }).toBe(true);
    await a.kill();
    const recordedByB = await recordedBy(b);
    const secondHalf = publish(PER_DEVICE / 2, PER_DEVICE);
    const a2 = await start('a');
    await secondHalf;

    await expect.poll(occurrences, { timeout: 60_000 }).toBe(total);
    // B kept taking its share while A was away and after; the restarted A took what its sessions held.
    expect(await recordedBy(b)).toBeGreaterThan(recordedByB);
    // One alarm, and one request, per (asset, fault code), counting every raise once.
    const rows = await handle.db.select().from(alarms).where(inArray(alarms.assetId, assetIds()));
    expect(rows).toHaveLength(DEVICES * CODES.length);
    expect(new Set(rows.map((r) => r.count))).toEqual(new Set([PER_DEVICE / CODES.length]));
    const requestIds = rows.map((r) => r.requestId!);
    expect(new Set(requestIds).size).toBe(DEVICES * CODES.length);
    const [requests] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(serviceRequests).where(inArray(serviceRequests.assetId, assetIds()));
    expect(requests!.n).toBe(DEVICES * CODES.length);

    // The console on B heard of every alarm, whichever hub committed it, once each.
    const raised = (s: TestSocket) => s.events.filter((e): e is Extract<LoggedEvent, { type: 'alarm.raised' }> => e.type === 'alarm.raised');
    await expect.poll(() => raised(onB).length, { timeout: 15_000 }).toBe(DEVICES * CODES.length);
    expect(new Set(raised(onB).map((e) => e.data.alarm.id))).toEqual(new Set(rows.map((r) => r.id)));
    // A console on the restarted A resumes from before the storm and replays the same events from the log.
    const onA = await connectSocket(a2.url, { token });
    sockets.push(onA);
    expect(await onA.subscribe({ rooms: ['alarms'], afterSeq: ack.upTo })).toMatchObject({ ok: true, isReloadNeeded: false });
    await expect.poll(() => raised(onA).map((e) => e.seq), { timeout: 15_000 }).toEqual(raised(onB).map((e) => e.seq));

    // SLA timers: both hubs' BullMQ workers take timer.fire jobs; each request warned and breached once.
    const slaMarks = async () => handle.db.select({ requestId: timelineEntries.requestId, event: sql<string>`${timelineEntries.data}->>'event'`, n: sql<number>`count(*)::int` })
      .from(timelineEntries).where(and(eq(timelineEntries.kind, 'sla'), inArray(timelineEntries.requestId, requestIds)))
      .groupBy(timelineEntries.requestId, sql`${timelineEntries.data}->>'event'`);
    await expect.poll(async () => (await slaMarks()).length, { timeout: RESPONSE_SECONDS * 1000 + 30_000 }).toBe(requestIds.length * 2);
    expect(new Set((await slaMarks()).map((m) => m.n))).toEqual(new Set([1]));

    // A revoked device is refused by the broker (revoked through hub B, which provisions it too).
    const gone = devices[0]!;
    expect((await api(b, 'DELETE', `/api/devices/${gone.deviceId}`)).status).toBe(204);
    await expect(mqtt.connectAsync(broker.plainUrl, { username: gone.deviceId, password: gone.token, protocolVersion: 4, reconnectPeriod: 0 }))
      .rejects.toThrow(/Not authorized/);
  }, 240_000);
});
