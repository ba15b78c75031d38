import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../../test/support/databases.js';
import { makeAsset } from '../../test/support/factories.js';
import { startMosquitto, type PrivateMosquitto } from '../../test/support/mosquitto.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

const SECRET = 'emqx-calls-with-this-secret-0123456789';

// What EMQX's HTTP authenticator and authoriser would call (MQTT_HTTP_AUTH_SECRET).
describe('HTTP authentication and authorisation for EMQX', () => {
  let broker: PrivateMosquitto;
  let t: TestHub;
  beforeAll(async () => {
    broker = await startMosquitto();
    const hubUrl = broker.plainUrl.replace('mqtt://', 'mqtt://hub-user:hub%20pass@');
    t = await startTestHub('pglite', { env: { MQTT_URL: hubUrl, MQTT_HTTP_AUTH_SECRET: SECRET, HUB_ID: uniquePrefix('e'), MQTT_SUBSCRIBERS: '1' } });
  });
  afterAll(async () => { await t?.close(); await broker?.stop(); });

  const call = (what: 'authenticate' | 'authorize', body: unknown, secret: string | null = SECRET) =>
    t.request('POST', `/api/public/mqtt/${what}`, { body, headers: secret ? { 'x-hub-broker-secret': secret } : {} });
  const newDevice = async () => {
    const asset = await makeAsset(t.hub.db);
    const res = await t.request('POST', '/api/devices', { token: t.adminToken, body: { assetId: asset.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { deviceId: string; token: string };
  };

  it('refuses callers without the broker secret and bodies it cannot read', async () => {
    expect((await call('authenticate', { username: 'x', password: 'y' }, null)).status).toBe(401);
    expect((await call('authenticate', { username: 'x', password: 'y' }, 'wrong-secret')).status).toBe(401);
    const bad = await call('authorize', { username: 'x', topic: 'a', action: 'delete' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toHaveProperty('action');
  });

  it('signs devices in with their current token only, and the hub as a superuser', async () => {
    const d = await newDevice();
    expect((await call('authenticate', { clientid: 'c1', username: d.deviceId, password: d.token })).body).toEqual({ result: 'allow', is_superuser: false });
    expect((await call('authenticate', { username: d.deviceId, password: 'guess' })).body.result).toBe('deny');
    expect((await call('authenticate', { username: 'hub-user', password: 'hub pass' })).body).toEqual({ result: 'allow', is_superuser: true });
    expect((await call('authenticate', { username: 'hub-user', password: 'guess' })).body.result).toBe('deny');
    expect((await call('authenticate', {})).body.result).toBe('deny');
    const rotated = await t.request('POST', `/api/devices/${d.deviceId}/rotate`, { token: t.adminToken });
    expect((await call('authenticate', { username: d.deviceId, password: d.token })).body.result).toBe('deny');
    expect((await call('authenticate', { username: d.deviceId, password: rotated.body.token })).body.result).toBe('allow');
    expect((await t.request('DELETE', `/api/devices/${d.deviceId}`, { token: t.adminToken })).status).toBe(204);
    expect((await call('authenticate', { username: d.deviceId, password: rotated.body.token })).body.result).toBe('deny');
  });

  it('lets a device publish only under its own id and subscribe only to its commands', async () => {
    const d = await newDevice();
    const other = await newDevice();
    const verdict = async (topic: string, action: string, username = d.deviceId) => (await call('authorize', { username, topic, action })).body.result;
    expect(await verdict(`devices/${d.deviceId}/alarms`, 'publish')).toBe('allow');
    expect(await verdict(`devices/${d.deviceId}/status`, 'publish')).toBe('allow');
    expect(await verdict(`devices/${other.deviceId}/alarms`, 'publish')).toBe('deny');
    expect(await verdict(`devices/${d.deviceId}/commands`, 'subscribe')).toBe('allow');
    expect(await verdict('devices/+/alarms', 'subscribe')).toBe('deny');
    expect(await verdict('#', 'all')).toBe('deny');
    expect(await verdict('$share/hub/devices/+/alarms', 'subscribe', 'hub-user')).toBe('allow');
  });
});
