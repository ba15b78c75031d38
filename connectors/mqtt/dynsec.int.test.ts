import { eq } from 'drizzle-orm';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarms } from '../../db/schema/index.js';
import { uniquePrefix } from '../../test/support/databases.js';
import { makeAsset } from '../../test/support/factories.js';
import { startMosquitto, type PrivateMosquitto } from '../../test/support/mosquitto.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

// The project's Mosquitto configuration with the dynamic-security plugin; the hub (MQTT_DYNSEC)
// provisions each device's client and ACL over $CONTROL/dynamic-security/v1 as it is created,
// rotated and revoked.
describe('device authentication on Mosquitto (dynamic security, provisioned by the hub)', () => {
  let broker: PrivateMosquitto;
  let t: TestHub;
  beforeAll(async () => {
    broker = await startMosquitto({ dynsec: { user: 'hub-admin', password: 'hub-admin-password' } });
    // one subscriber connection: a device's messages reach the hub in the order it sent them
    t = await startTestHub('pglite', { env: { MQTT_URL: broker.url, MQTT_DYNSEC: 'true', HUB_ID: uniquePrefix('d'), MQTT_SUBSCRIBERS: '1' } });
  });
  afterAll(async () => { await t?.close(); await broker?.stop(); });

  const newDevice = async () => {
    const asset = await makeAsset(t.hub.db);
    const res = await t.request('POST', '/api/devices', { token: t.adminToken, body: { assetId: asset.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { assetId: asset.id, deviceId: res.body.deviceId as string, token: res.body.token as string };
  };
  const connect = (username: string, password: string) =>
    mqtt.connectAsync(broker.plainUrl, { username, password, clientId: uniquePrefix('dev'), protocolVersion: 4, reconnectPeriod: 0 });
  const alarmCount = async (assetId: string) => (await t.hub.db.select().from(alarms).where(eq(alarms.assetId, assetId)))[0]?.count ?? 0;

  it('refuses anonymous clients and wrong tokens', async () => {
    const d = await newDevice();
    await expect(mqtt.connectAsync(broker.plainUrl, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/);
    await expect(connect(d.deviceId, 'not-the-token')).rejects.toThrow(/Not authorized/);
  });

  it('lets a device publish under its own topic only', async () => {
    const a = await newDevice();
    const b = await newDevice();
    const client = await connect(a.deviceId, a.token);
    try {
      // into b's topic: the broker drops it (MQTT 3.1.1 still acknowledges), so it never reaches the hub
      await client.publishAsync(`devices/${b.deviceId}/alarms`, JSON.stringify({ id: 'spoof', code: 'E101', state: 'raised' }), { qos: 1 });
      await client.publishAsync(`devices/${a.deviceId}/alarms`, JSON.stringify({ id: 'own', code: 'E101', state: 'raised' }), { qos: 1 });
      await expect.poll(() => alarmCount(a.assetId), { timeout: 15_000 }).toBe(1);
      expect(await alarmCount(b.assetId)).toBe(0);
    } finally {
      await client.endAsync(true);
    }
  });

  it('a rotated token replaces the old one; a revoked device is disconnected and refused', async () => {
    const d = await newDevice();
    const first = await connect(d.deviceId, d.token);
    const rotated = await t.request('POST', `/api/devices/${d.deviceId}/rotate`, { token: t.adminToken });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    await expect.poll(() => first.connected, { timeout: 10_000 }).toBe(false);
    await expect(connect(d.deviceId, d.token)).rejects.toThrow(/Not authorized/);
    const second = await connect(d.deviceId, rotated.body.token);
    await second.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify({ id: 'r1', code: 'E102', state: 'raised' }), { qos: 1 });
    await expect.poll(() => alarmCount(d.assetId), { timeout: 15_000 }).toBe(1);

    const revoked = await t.request('DELETE', `/api/devices/${d.deviceId}`, { token: t.adminToken });
    expect(revoked.status).toBe(204);
    await expect.poll(() => second.connected, { timeout: 10_000 }).toBe(false);
    await expect(connect(d.deviceId, rotated.body.token)).rejects.toThrow(/Not authorized/);
    // revoking again is harmless
    expect((await t.request('DELETE', `/api/devices/${d.deviceId}`, { token: t.adminToken })).status).toBe(204);
    await first.endAsync(true);
    await second.endAsync(true);
  });
});
