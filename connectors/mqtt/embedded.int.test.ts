import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alarms, deadLetters, devices, faultCodes, timelineEntries } from '../../db/schema/index.js';
import { makeAsset } from '../../test/support/factories.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

describe('embedded MQTT broker (aedes) on pglite', () => {
  let t: TestHub;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestHub('pglite');
    await t.hub.db.insert(faultCodes).values({ code: 'E101', description: 'compressor overcurrent', defaultSeverity: 'major', requiredSkill: 'electrical' });
  });
  afterEach(async () => { await Promise.all(clients.splice(0).map((c) => c.endAsync(true))); });
  afterAll(async () => { await t?.close(); });

  const admin = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.adminToken, body });
  const newDevice = async () => {
    const asset = await makeAsset(t.hub.db);
    const res = await admin('POST', '/api/devices', { assetId: asset.id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { asset, deviceId: res.body.deviceId as string, token: res.body.token as string };
  };
  const connect = async (username: string, password: string, extra: mqtt.IClientOptions = {}) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.hub.mqttPort}`, {
      username, password, protocolVersion: 4, reconnectPeriod: 0, clientId: `dev-${randomUUID().slice(0, 8)}`, ...extra,
    });
    clients.push(c);
    return c;
  };
  const alarmsOf = (assetId: string) => t.hub.db.select().from(alarms).where(eq(alarms.assetId, assetId));
  const deadOf = async (reason: string, needle: string) =>
    (await t.hub.db.select().from(deadLetters).where(eq(deadLetters.reason, reason))).filter((d) => JSON.stringify(d.meta).includes(needle) || d.payload.includes(needle));

  it('listens on the port it was given (MQTT_PORT=0: a free one) and says which', () => {
    expect(t.hub.mqtt.kind).toBe('embedded');
    expect(t.hub.mqttPort).toBeGreaterThan(0);
  });

  it('authenticates devices by id and token: a wrong token, an unknown or a revoked device is refused', async () => {
    const d = await newDevice();
    await expect(connect(d.deviceId, `${d.token}x`)).rejects.toThrow(/Bad username or password/i);
    await expect(connect(randomUUID(), d.token)).rejects.toThrow(/Bad username or password/i);
    const c = await connect(d.deviceId, d.token);
    expect(c.connected).toBe(true);
    await expect.poll(async () => (await t.hub.db.select().from(devices).where(eq(devices.id, d.deviceId)))[0]?.isOnline, { timeout: 10_000 }).toBe(true);

    const revoked = await newDevice();
    expect((await admin('DELETE', `/api/devices/${revoked.deviceId}`)).status).toBe(204);
    await expect(connect(revoked.deviceId, revoked.token)).rejects.toThrow(/Bad username or password/i);
  });

  it('acknowledges a QoS 1 alarm only after it is committed, and the last will marks the device offline', async () => {
    const d = await newDevice();
    const c = await connect(d.deviceId, d.token, { will: { topic: `devices/${d.deviceId}/status`, payload: Buffer.from('{"online":false}'), qos: 1, retain: false } });
    await c.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify({ id: 'a1', code: 'E101', state: 'raised', ts: '2026-11-23T10:00:00Z' }), { qos: 1 });
    // PUBACK received: the alarm is in the database already, no polling needed
    const [a] = await alarmsOf(d.asset.id);
    expect(a).toMatchObject({ faultCode: 'E101', state: 'active', count: 1, deviceId: d.deviceId });
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify({ id: `r${i}`, code: 'E101', state: 'raised' }), { qos: 1 })));
    expect((await alarmsOf(d.asset.id))[0]!.count).toBe(51);

    c.stream.destroy(); // no DISCONNECT: the broker publishes the will
    await expect.poll(async () => (await t.hub.db.select().from(devices).where(eq(devices.id, d.deviceId)))[0]?.isOnline, { timeout: 10_000 }).toBe(false);
  });

  it('lets a device publish and subscribe only under its own id', async () => {
    const a = await newDevice();
    const b = await newDevice();
    const c = await connect(a.deviceId, a.token);
    await c.publishAsync(`devices/${b.deviceId}/alarms`, JSON.stringify({ code: 'E101', state: 'raised' }), { qos: 1 });
    expect(await alarmsOf(b.asset.id)).toHaveLength(0);
    expect(await alarmsOf(a.asset.id)).toHaveLength(0);
    expect(await deadOf('unauthorised_topic', b.deviceId)).toHaveLength(1);
    // refused (SUBACK 0x80): nobody hears another device's alarms
    await expect(c.subscribeAsync(`devices/${b.deviceId}/alarms`, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const own = await c.subscribeAsync(`devices/${a.deviceId}/commands`, { qos: 1 });
    expect(own[0]!.qos).toBe(1);
  });

  it('dead-letters malformed JSON, schema violations and oversize payloads, acks them, and keeps going', async () => {
    const d = await newDevice();
    const c = await connect(d.deviceId, d.token);
    const topic = `devices/${d.deviceId}/alarms`;
    await c.publishAsync(topic, '{"code": "E101", "state": ', { qos: 1 });
    await c.publishAsync(topic, JSON.stringify({ code: 'E101', state: 'exploded' }), { qos: 1 });
    await c.publishAsync(topic, Buffer.alloc(65 * 1024, 'x'), { qos: 1 });
    await c.publishAsync(topic, JSON.stringify({ code: 'E101', state: 'raised' }), { qos: 1 });
    expect(await alarmsOf(d.asset.id)).toHaveLength(1);
    const rows = (await t.hub.db.select().from(deadLetters)).filter((r) => r.meta.deviceId === d.deviceId);
    expect(rows.map((r) => r.reason).sort()).toEqual(['malformed_json', 'oversize', 'schema_violation']);
    const oversize = rows.find((r) => r.reason === 'oversize')!;
    expect(oversize.payloadBytes).toBe(65 * 1024);
    expect(oversize.payload.length).toBe(4096);
    expect(rows.find((r) => r.reason === 'schema_violation')!.detail).toMatch(/state/);

    const listed = await admin('GET', '/api/dead-letters?source=mqtt&limit=100');
    expect(listed.status).toBe(200);
    expect(listed.body.items.filter((i: any) => i.meta.deviceId === d.deviceId)).toHaveLength(3);
    const metrics = await t.hub.app.request('/metrics');
    const text = await metrics.text();
    for (const reason of ['malformed_json', 'schema_violation', 'oversize', 'unauthorised_topic']) {
      expect(text).toMatch(new RegExp(`hub_dead_letters_total\\{source="mqtt",reason="${reason}"\\} [1-9]`));
    }
  });

  it('replays a dead letter once its cause is fixed; one that still fails answers 409 with the reason', async () => {
    const asset = await makeAsset(t.hub.db);
    const ghost = randomUUID();
    const raw = Buffer.from(JSON.stringify({ id: 'late-1', code: 'E101', state: 'raised' }));
    const r = await t.hub.alarms.submit({
      channel: 'mqtt', receivedAt: new Date(), actor: { type: 'device', id: ghost }, type: 'alarm', subject: 'E101', deviceId: ghost, faultCode: 'E101',
      alarm: { state: 'raised', occurredAt: new Date(), messageId: 'late-1' },
    }, { bytes: raw, meta: { topic: `devices/${ghost}/alarms`, deviceId: ghost, receivedAt: new Date().toISOString() } });
    expect(r.kind).toBe('dead_letter');
    const [dl] = await deadOf('unknown_device', ghost);
    expect(dl).toBeDefined();

    const early = await admin('POST', `/api/dead-letters/${dl!.id}/replay`);
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.error.details.reason).toBe('unknown_device');
    expect(await deadOf('unknown_device', ghost)).toHaveLength(1);

    // the device is registered (e.g. provisioned on the external broker first)
    await t.hub.db.insert(devices).values({ id: ghost, assetId: asset.id, tokenHash: 'x' });
    const ok = await admin('POST', `/api/dead-letters/${dl!.id}/replay`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.outcome).toBe('recorded');
    const [a] = await alarmsOf(asset.id);
    expect(a).toMatchObject({ id: ok.body.alarmId, count: 1, state: 'active' });
    expect((await t.hub.db.select().from(deadLetters).where(eq(deadLetters.id, dl!.id)))[0]!.replayedAt).not.toBeNull();
    expect((await admin('POST', `/api/dead-letters/${dl!.id}/replay`)).status).toBe(409);

    const d = await newDevice();
    const c = await connect(d.deviceId, d.token);
    await c.publishAsync(`devices/${d.deviceId}/alarms`, 'not json', { qos: 1 });
    const [bad] = await deadOf('malformed_json', d.deviceId);
    const res = await admin('POST', `/api/dead-letters/${bad!.id}/replay`);
    expect(res.status).toBe(409);
    expect(res.body.error.details.reason).toBe('malformed_json');
  });

  it('lists alarms, shows one with its history, and lets an agent acknowledge it once', async () => {
    const d = await newDevice();
    const c = await connect(d.deviceId, d.token);
    await c.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify({ code: 'E101', state: 'raised', severity: 'critical' }), { qos: 1 });
    const [a] = await alarmsOf(d.asset.id);
    const agent = await t.userWithRole('agent');
    const list = await t.request('GET', `/api/alarms?state=active&assetId=${d.asset.id}`, { token: agent.token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).toEqual([a!.id]);
    // The unit as the agent names it on the phone: serial, model, customer (and site, if any).
    expect(list.body.items[0].unit).toMatchObject({ serialNumber: d.asset.serialNumber, model: expect.any(String), customerName: expect.any(String) });
    const one = await t.request('GET', `/api/alarms/${a!.id}`, { token: agent.token });
    expect(one.body.unit).toEqual(list.body.items[0].unit);
    expect(one.body.occurrences).toHaveLength(1);
    expect(one.body.occurrences[0]).toMatchObject({ raises: 1, maxSeverity: 'critical' });

    const customer = await t.userWithRole('customer');
    expect((await t.request('POST', `/api/alarms/${a!.id}/ack`, { token: customer.token })).status).toBe(403);
    const ack = await t.request('POST', `/api/alarms/${a!.id}/ack`, { token: agent.token });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: agent.userId });
    const again = await t.request('POST', `/api/alarms/${a!.id}/ack`, { token: agent.token });
    expect(again.status).toBe(409);
    const entries = await t.hub.db.select().from(timelineEntries).where(and(eq(timelineEntries.requestId, a!.requestId!), eq(timelineEntries.kind, 'alarm')));
    expect(entries.map((e) => e.data.event).sort()).toEqual(['acknowledged', 'raised']);
    // a repeat keeps it acknowledged
    await c.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify({ code: 'E101', state: 'raised' }), { qos: 1 });
    expect((await alarmsOf(d.asset.id))[0]).toMatchObject({ state: 'acknowledged', count: 2 });
  });
});
