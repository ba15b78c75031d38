import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmOccurrences, alarms, deadLetters, devices, faultCodes, orderRules, serviceOrders, serviceRequests } from '../../db/schema/index.js';
import { hashToken } from '../../hub/auth/tokens.js';
import { makeAsset } from '../../test/support/factories.js';
import { startHubProcess } from '../../test/support/hub-process.js';
import { startMosquitto, type PrivateMosquitto } from '../../test/support/mosquitto.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { createTestDatabase, uniquePrefix } from '../../test/support/databases.js';
import postgres from 'postgres';
import { openDb } from '../../db/client.js';
import type { AlarmOutcome } from '../../hub/alarms/record-batch.js';
import { createLogger } from '../../hub/platform/logger.js';
import type { MqttHubServices } from './handle.js';
import { startSubscriberPool } from './subscriber.js';

describe('external broker (Mosquitto, shared subscription) on postgres', () => {
  let broker: PrivateMosquitto;
  let t: TestHub;
  let device: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    t = await startTestHub('postgres', { env: { MQTT_URL: broker.url, HUB_ID: uniquePrefix('a'), MQTT_SUBSCRIBERS: '4' } });
    await t.hub.db.insert(faultCodes).values([
      { code: 'E101', description: 'compressor overcurrent', defaultSeverity: 'major', requiredSkill: 'electrical' },
      { code: 'E102', description: 'compressor discharge temperature too high', defaultSeverity: 'major', requiredSkill: 'refrigeration' },
    ]);
    device = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: uniquePrefix('pub'), reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await device?.endAsync(true);
    await t?.close();
    await broker?.stop();
  });

  const newDevice = async () => {
    const asset = await makeAsset(t.hub.db);
    const [d] = await t.hub.db.insert(devices).values({ assetId: asset.id, tokenHash: hashToken(randomUUID()) }).returning();
    return { asset, deviceId: d!.id };
  };
  const publish = (deviceId: string, body: unknown) => device.publishAsync(`devices/${deviceId}/alarms`, JSON.stringify(body), { qos: 1 });

  it('subscribes with a pool of persistent sessions and records raise, repeat, redelivery and clear', async () => {
    expect(t.hub.mqtt).toEqual({ kind: 'external', connections: 4 });
    const { asset, deviceId } = await newDevice();
    await publish(deviceId, { id: 'x1', code: 'E101', state: 'raised', ts: '2026-11-23T10:00:00Z' });
    await publish(deviceId, { id: 'x2', code: 'E101', state: 'raised', ts: '2026-11-23T10:00:05Z' });
    await publish(deviceId, { id: 'x2', code: 'E101', state: 'raised', ts: '2026-11-23T10:00:05Z' });
    await publish(deviceId, { id: 'x3', code: 'E101', state: 'cleared', ts: '2026-11-23T10:00:09Z' });
    // Four sessions share the subscription: the clear may be recorded before the raises (it
    // overtook them), so wait for the end state rather than the first sight of "cleared".
    await expect.poll(async () => {
      const rows = await t.hub.db.select().from(alarms).where(eq(alarms.assetId, asset.id));
      return rows.map((a) => ({ state: a.state, count: a.count, clearedAt: a.clearedAt }));
    }, { timeout: 10_000 }).toEqual([{ state: 'cleared', count: 2, clearedAt: new Date('2026-11-23T10:00:09Z') }]);
  });

  it('dead-letters a message under an unknown device id', async () => {
    const ghost = randomUUID();
    await publish(ghost, { code: 'E101', state: 'raised' });
    await expect.poll(async () => (await t.hub.db.select().from(deadLetters).where(eq(deadLetters.reason, 'unknown_device')))
      .filter((d) => d.meta.topic === `devices/${ghost}/alarms`).length, { timeout: 10_000 }).toBe(1);
  });

  it('two hub processes on one database and one broker take an alarm storm together without twins', async () => {
    await t.hub.db.insert(orderRules).values({ name: 'E1 after 3', faultCode: 'E1', isPrefix: true, minOccurrences: 3 });
    const other = await startHubProcess({ DATABASE_URL: t.hub.config.databaseUrl!, MQTT_URL: broker.url, HUB_ID: uniquePrefix('b'), MQTT_SUBSCRIBERS: '4' });
    try {
      const before = recordedBy(await t.hub.metrics.registry.getSingleMetricAsString('hub_alarm_messages_total'));
      const fleet = await Promise.all(Array.from({ length: 30 }, () => newDevice()));
      const publishers = await Promise.all(Array.from({ length: 4 }, (_, i) => mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: uniquePrefix(`storm${i}`), reconnectPeriod: 0 })));
      let sent = 0;
      const base = Date.parse('2026-11-23T12:00:00Z');
      const jobs: Array<Promise<unknown>> = [];
      fleet.forEach((d, di) => {
        for (let k = 0; k < 40; k++) {
          const code = k % 2 ? 'E101' : 'E102';
          // raises and repeats, a clear in the middle (then raises again: flapping), all at once
          const state = k === 20 || k === 21 ? 'cleared' : 'raised';
          const body = { id: `s${k}`, code, state, ts: new Date(base + k * 1000).toISOString() };
          jobs.push(publishers[(di + k) % publishers.length]!.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify(body), { qos: 1 }));
          sent++;
        }
      });
      await Promise.all(jobs);
      const assetIds = fleet.map((d) => d.asset.id);
      const recorded = async () => {
        const [r] = await t.hub.db.select({ n: sql<number>`coalesce(sum(${alarmOccurrences.raises} + ${alarmOccurrences.clears}), 0)::int` })
          .from(alarmOccurrences).innerJoin(alarms, eq(alarms.id, alarmOccurrences.alarmId)).where(inArray(alarms.assetId, assetIds));
        return r!.n;
      };
      await expect.poll(recorded, { timeout: 30_000, interval: 250 }).toBe(sent);

      const rows = await t.hub.db.select().from(alarms).where(inArray(alarms.assetId, assetIds));
      // one alarm per (asset, code): raised again within the flapping window (or the clear arrived after a
      // newer raise and cleared nothing), so it stayed the same alarm, active, with every raise counted
      expect(rows).toHaveLength(fleet.length * 2);
      expect(rows.filter((a) => a.state !== 'active' || a.count !== 19), JSON.stringify(rows.slice(0, 2))).toEqual([]);
      const requests = await t.hub.db.select().from(serviceRequests).where(inArray(serviceRequests.assetId, assetIds));
      expect(requests).toHaveLength(rows.length);
      expect(new Set(rows.map((a) => a.requestId)).size).toBe(rows.length);
      const orders = await t.hub.db.select().from(serviceOrders).where(inArray(serviceOrders.alarmId, rows.map((a) => a.id)));
      expect(orders).toHaveLength(rows.length);
      // both hubs took a share
      const mine = await t.hub.metrics.registry.getSingleMetricAsString('hub_alarm_messages_total');
      const theirs = await fetch(`${other.url}/metrics`).then((r) => r.text());
      expect(recordedBy(mine) - before).toBeGreaterThan(0);
      expect(recordedBy(theirs)).toBeGreaterThan(0);
      expect(recordedBy(mine) - before + recordedBy(theirs)).toBe(sent);
      await Promise.all(publishers.map((p) => p.endAsync()));
    } finally {
      await other.stop();
    }
  }, 90_000);
});

describe('external broker: a hub that dies before its commit acknowledged nothing', () => {
  it('the broker redelivers the message to the restarted hub (same HUB_ID, persistent session)', async () => {
    const broker = await startMosquitto();
    const database = await createTestDatabase();
    const handle = await openDb({ databaseUrl: database.url, maxConnections: 2 });
    const locker = postgres(database.url, { max: 1, onnotice: () => {} });
    const probe = postgres(database.url, { max: 1, onnotice: () => {} });
    const lockOnAlarms = async (isGranted: boolean) =>
      (await probe`select 1 from pg_locks where granted = ${isGranted} and relation = 'alarms'::regclass and mode = ${isGranted ? 'ExclusiveLock' : 'RowExclusiveLock'}`).length;
    const hubEnv = { DATABASE_URL: database.url, MQTT_URL: broker.url, HUB_ID: uniquePrefix('k'), MQTT_SUBSCRIBERS: '1' };
    let hub = await startHubProcess(hubEnv);
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: uniquePrefix('pub'), reconnectPeriod: 0 });
    try {
      const asset = await makeAsset(handle.db);
      const [d] = await handle.db.insert(devices).values({ assetId: asset.id, tokenHash: 'x' }).returning();
      const countOf = async () => (await handle.db.select().from(alarms).where(eq(alarms.assetId, asset.id)))[0]?.count ?? 0;
      const send = (id: string) => pub.publishAsync(`devices/${d!.id}/alarms`, JSON.stringify({ id, code: 'E101', state: 'raised' }), { qos: 1 });
      await send('m1');
      await expect.poll(countOf, { timeout: 10_000 }).toBe(1);

      // hold the hub's transaction: it has the message but cannot commit it
      let release!: () => void;
      const held = locker.begin(async (tx) => {
        await tx`lock table alarms in exclusive mode`;
        await new Promise<void>((resolve) => { release = resolve; });
      });
      await expect.poll(() => lockOnAlarms(true), { timeout: 10_000 }).toBeGreaterThan(0);
      await send('m2');
      // the hub's batch waits for the table: it received m2 and cannot commit it
      await expect.poll(() => lockOnAlarms(false), { timeout: 10_000 }).toBeGreaterThan(0);
      await hub.kill();
      release();
      await held;
      expect(await countOf()).toBe(1);

      hub = await startHubProcess(hubEnv);
      await expect.poll(countOf, { timeout: 20_000 }).toBe(2);
    } finally {
      await pub.endAsync(true);
      await hub.stop();
      await locker.end();
      await probe.end();
      await handle.close();
      await database.drop();
      await broker.stop();
    }
  }, 90_000);
});

describe('external broker: the hub bounds what it has taken and not committed', () => {
  /** the connector's view of a hub: alarms go to `submitAlarm`, nothing else is expected */
  const hubWith = (submitAlarm: MqttHubServices['submitAlarm']): MqttHubServices => ({
    submitAlarm,
    deadLetter: async () => { throw new Error('no dead letters expected'); },
    verifyDevice: async () => true,
    setDeviceOnline: async () => {},
  });
  /** `total` raises of one device, each with its own message id, all with the broker when it resolves */
  const publishRaises = async (pub: MqttClient, total: number) => {
    const deviceId = randomUUID();
    await Promise.all(Array.from({ length: total }, (_, i) =>
      pub.publishAsync(`devices/${deviceId}/alarms`, JSON.stringify({ id: `m${i}`, code: 'E101', state: 'raised' }), { qos: 1 })));
  };

  it('stops reading at MQTT_MAX_PENDING, with the broker holding the rest, and loses nothing', async () => {
    // Mosquitto's max_inflight_messages (1,000 in the project config) did not hold once PUBACKs
    // flowed: a storm filled the hub's heap. The hub's own bound must (gate.ts).
    const broker = await startMosquitto();
    const maxPending = 40;
    const connections = 2;
    let pending = 0;
    let maxSeen = 0;
    const seen = new Set<string>();
    const waiting: Array<() => void> = [];
    let isCommitting = false;
    // a hub whose commits are held until the test lets them go
    const services = hubWith((ev) => new Promise<AlarmOutcome>((resolve) => {
        pending++;
        maxSeen = Math.max(maxSeen, pending);
        seen.add(ev.alarm!.messageId!);
        const settle = () => { pending--; resolve({ kind: 'recorded', alarmId: randomUUID() }); };
        if (isCommitting) setTimeout(settle, 1); else waiting.push(settle);
    }));
    const pool = await startSubscriberPool(services, { url: broker.url, hubId: uniquePrefix('g'), connections, maxPending, log: createLogger('silent') });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: uniquePrefix('pub'), reconnectPeriod: 0 });
    try {
      const total = 1500;
      await publishRaises(pub, total);
      // every message is with the broker; the hub took only what its bound allows (a reader already
      // past the check may add its one message per connection)
      await expect.poll(() => pending, { timeout: 10_000 }).toBeGreaterThanOrEqual(maxPending);
      await new Promise((r) => setTimeout(r, 500));
      expect(pending).toBeLessThanOrEqual(maxPending + connections);
      expect(seen.size).toBeLessThanOrEqual(maxPending + connections);

      // commits resume: the hub reads on, still within its bound, until every message is in
      isCommitting = true;
      waiting.splice(0).forEach((settle) => setTimeout(settle, 1));
      await expect.poll(() => seen.size, { timeout: 30_000, interval: 100 }).toBe(total);
      await expect.poll(() => pending, { timeout: 10_000 }).toBe(0);
      expect(maxSeen).toBeLessThanOrEqual(maxPending + connections);
    } finally {
      // a failed expectation must not leave the pool's drain waiting for held commits
      isCommitting = true;
      waiting.splice(0).forEach((settle) => settle());
      await pub.endAsync(true);
      await pool.close();
      await broker.stop();
    }
  }, 60_000);

  it('drains with readers parked at the bound: every message taken is acknowledged, the rest comes to the next session', async () => {
    const broker = await startMosquitto();
    const hubId = uniquePrefix('d');
    const seenBy: Array<Set<string>> = [new Set(), new Set()];
    let round = 0;
    // commits that take a while, so the bound is reached and readers park
    const services = hubWith((ev) => {
      seenBy[round]!.add(ev.alarm!.messageId!);
      return new Promise<AlarmOutcome>((resolve) => setTimeout(() => resolve({ kind: 'recorded', alarmId: randomUUID() }), 200));
    });
    const log = createLogger('silent');
    let pool = await startSubscriberPool(services, { url: broker.url, hubId, connections: 2, maxPending: 20, log });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: uniquePrefix('pub'), reconnectPeriod: 0 });
    try {
      const total = 400;
      await publishRaises(pub, total);
      await expect.poll(() => seenBy[0]!.size, { timeout: 10_000 }).toBeGreaterThanOrEqual(20);
      await pool.close();
      const first = seenBy[0]!.size;
      expect(first).toBeLessThan(total);

      // the same hub again: its sessions hold what it did not take, and nothing it took
      round = 1;
      pool = await startSubscriberPool(services, { url: broker.url, hubId, connections: 2, maxPending: 20, log });
      await expect.poll(() => seenBy[0]!.size + seenBy[1]!.size, { timeout: 30_000, interval: 100 }).toBe(total);
      await new Promise((r) => setTimeout(r, 500));
      expect([...seenBy[1]!].filter((id) => seenBy[0]!.has(id))).toEqual([]);
      expect(seenBy[0]!.size + seenBy[1]!.size).toBe(total);
    } finally {
      await pub.endAsync(true);
      await pool.close();
      await broker.stop();
    }
  }, 60_000);
});

function recordedBy(metrics: string): number {
  return Number(/hub_alarm_messages_total\{outcome="recorded"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}
