import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, devices } from '../../db/schema/index.js';
import { hashToken } from '../auth/tokens.js';
import type { Role } from '../contracts/model.js';
import { makeAsset } from '../../test/support/factories.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { verifyDeviceToken } from './routes.js';

type Body = Record<string, any>;
const VIEW_KEYS = ['assetId', 'createdAt', 'id', 'isOnline', 'lastSeenAt', 'name', 'revokedAt', 'rotatedAt'];

describe('devices API on postgres', () => {
  let t: TestHub;
  let adminId: string;
  const admin = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.adminToken, body });
  const fieldsOf = (res: { body: any }) => Object.keys(res.body?.error?.details?.fields ?? {});
  const newDevice = async () => {
    const asset = await makeAsset(t.hub.db);
    const res = await admin('POST', '/api/devices', { assetId: asset.id, name: 'Kühlzelle 3 Steuerung' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { asset, deviceId: res.body.deviceId as string, token: res.body.token as string };
  };
  const auditsOf = (id: string) => t.hub.db.select().from(auditLog).where(and(eq(auditLog.entity, 'device'), eq(auditLog.entityId, id)));

  beforeAll(async () => {
    t = await startTestHub('postgres');
    adminId = (await admin('GET', '/api/auth/me')).body.user.id;
  });
  afterAll(async () => { await t?.close(); });

  it('creates a device for an asset: its token verifies, a wrong one does not', async () => {
    const { asset, deviceId, token } = await newDevice();
    expect(token).toMatch(/^hd_/);
    expect(await verifyDeviceToken(t.hub.db, deviceId, token)).toEqual({ assetId: asset.id });
    expect(await verifyDeviceToken(t.hub.db, deviceId, `${token}x`)).toBeNull();
    expect(await verifyDeviceToken(t.hub.db, randomUUID(), token)).toBeNull();
    expect(await verifyDeviceToken(t.hub.db, 'not-a-device', token)).toBeNull();
    const [row] = await t.hub.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(row).toMatchObject({ assetId: asset.id, name: 'Kühlzelle 3 Steuerung', tokenHash: hashToken(token), revokedAt: null });
    expect(await auditsOf(deviceId)).toMatchObject([{ action: 'create', actorType: 'user', actorId: adminId }]);
  });

  it('rotates the token: the old one stops verifying, the new one verifies', async () => {
    const { asset, deviceId, token } = await newDevice();
    const res = await admin('POST', `/api/devices/${deviceId}/rotate`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ deviceId, token: expect.stringMatching(/^hd_/) });
    expect(res.body.token).not.toBe(token);
    expect(await verifyDeviceToken(t.hub.db, deviceId, token)).toBeNull();
    expect(await verifyDeviceToken(t.hub.db, deviceId, res.body.token)).toEqual({ assetId: asset.id });
    expect((await admin('GET', `/api/devices/${deviceId}`)).body.rotatedAt).toEqual(expect.any(String));
    expect((await auditsOf(deviceId)).map((a) => a.action).sort()).toEqual(['create', 'rotate']);
  });

  it('revokes on DELETE: the token stops verifying and rotation is refused (409)', async () => {
    const { deviceId, token } = await newDevice();
    const del = await admin('DELETE', `/api/devices/${deviceId}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect(await verifyDeviceToken(t.hub.db, deviceId, token)).toBeNull();
    const rotate = await admin('POST', `/api/devices/${deviceId}/rotate`);
    expect(rotate.status, JSON.stringify(rotate.body)).toBe(409);
    expect(rotate.body.error).toMatchObject({ code: 'CONFLICT', details: { revoked: true } });
    expect(await verifyDeviceToken(t.hub.db, deviceId, token)).toBeNull();
    const revokedAt = (await admin('GET', `/api/devices/${deviceId}`)).body.revokedAt;
    expect(revokedAt).toEqual(expect.any(String));
    expect((await admin('DELETE', `/api/devices/${deviceId}`)).status).toBe(204);
    expect((await admin('GET', `/api/devices/${deviceId}`)).body.revokedAt).toBe(revokedAt);
  });

  describe.each([
    ['an unknown asset', randomUUID()],
    ['an asset id that is not a UUID', 'KZ-3'],
  ])('POST /api/devices for %s', (_label, assetId) => {
    it('answers 400 naming assetId and stores no device', async () => {
      const before = await t.hub.db.select({ id: devices.id }).from(devices);
      const res = await admin('POST', '/api/devices', { assetId });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(fieldsOf(res)).toEqual(['assetId']);
      expect(await t.hub.db.select({ id: devices.id }).from(devices)).toEqual(before);
    });
  });

  it('keeps the newer of two online/offline changes that commit out of order', async () => {
    const { deviceId } = await newDevice();
    const heard: boolean[] = [];
    const off = t.hub.bus.subscribe((events) => {
      for (const e of events) if (e.type === 'device.status_changed' && e.data.deviceId === deviceId) heard.push(e.data.isOnline);
    });
    try {
      const connected = new Date('2036-05-01T10:00:00.000Z');
      const disconnected = new Date('2036-05-01T10:00:00.050Z');
      // the disconnect commits first, the connect it followed lands after it
      await t.hub.devices.setOnline(deviceId, false, disconnected);
      await t.hub.devices.setOnline(deviceId, true, connected);
      const [row] = await t.hub.db.select().from(devices).where(eq(devices.id, deviceId));
      expect(row).toMatchObject({ isOnline: false, lastSeenAt: disconnected });
      expect(heard).toEqual([false]);
      // a later connect counts
      await t.hub.devices.setOnline(deviceId, true, new Date('2036-05-01T10:00:01.000Z'));
      expect((await t.hub.db.select().from(devices).where(eq(devices.id, deviceId)))[0]!.isOnline).toBe(true);
      expect(heard).toEqual([false, true]);
    } finally {
      off();
    }
  });

  it('answers 404 for an unknown device', async () => {
    const id = randomUUID();
    for (const [method, path] of [['GET', `/api/devices/${id}`], ['POST', `/api/devices/${id}/rotate`], ['DELETE', `/api/devices/${id}`]] as const) {
      const res = await admin(method, path);
      expect(res.status, `${method} ${JSON.stringify(res.body)}`).toBe(404);
    }
  });

  it('never shows a token or its hash in the list or in one device', async () => {
    const { asset, deviceId, token } = await newDevice();
    const list = await admin('GET', `/api/devices?assetId=${asset.id}`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items.map((d: Body) => d.id)).toEqual([deviceId]);
    const one = await admin('GET', `/api/devices/${deviceId}`);
    expect(one.body).toEqual(list.body.items[0]);
    expect(Object.keys(one.body).sort()).toEqual(VIEW_KEYS);
    for (const text of [JSON.stringify(list.body), JSON.stringify(one.body)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(hashToken(token));
    }
  });

  it('answers 401 without sign-in', async () => {
    const { asset } = await newDevice();
    expect((await t.request('GET', '/api/devices')).status).toBe(401);
    expect((await t.request('POST', '/api/devices', { body: { assetId: asset.id } })).status).toBe(401);
  });

  describe.each<Role>(['agent', 'dispatcher', 'technician', 'customer'])('a %s', (role) => {
    it('may not create, rotate or revoke devices (403), and the token keeps working', async () => {
      const { asset, deviceId, token } = await newDevice();
      const who = await t.userWithRole(role);
      for (const [method, path, body] of [
        ['POST', '/api/devices', { assetId: asset.id }], ['POST', `/api/devices/${deviceId}/rotate`], ['DELETE', `/api/devices/${deviceId}`],
      ] as const) {
        const res = await t.request(method, path, { token: who.token, body });
        expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(403);
      }
      expect(await verifyDeviceToken(t.hub.db, deviceId, token)).toEqual({ assetId: asset.id });
      expect(await t.hub.db.select({ id: devices.id }).from(devices).where(eq(devices.assetId, asset.id))).toEqual([{ id: deviceId }]);
    });
  });

  it('lets roles that read the install base list devices, and no others', async () => {
    await newDevice();
    for (const [role, status] of [['agent', 200], ['dispatcher', 200], ['technician', 403], ['customer', 403]] as const) {
      const who = await t.userWithRole(role);
      expect((await t.request('GET', '/api/devices', { token: who.token })).status, role).toBe(status);
    }
  });
});
