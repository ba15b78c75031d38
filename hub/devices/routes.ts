import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { assets, devices } from '../../db/schema/index.js';
import { DeviceCreate, DeviceCredentials, DeviceView } from '../contracts/api/people.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { BadRequest, Conflict, NotFound } from '../platform/errors.js';
import { audit, toWire } from '../provisioning/crud.js';
import type { BrokerDeviceAuth } from './broker-auth.js';

const IdParam = z.object({ id: z.uuid() });
const view = (d: typeof devices.$inferSelect) => DeviceView.parse(toWire({ ...d, tokenHash: undefined }));

/** Devices are not users: each has its own token, the MQTT password (DESIGN.md). */
/** `brokerAuth`: with an external broker that the hub provisions (MQTT_DYNSEC), each change is applied there before it commits. */
export function deviceRoutes(db: Db, brokerAuth?: BrokerDeviceAuth) {
  const app = createRouter();
  const tags = ['devices'];

  app.openapi(createRoute({
    method: 'get', path: '/devices', tags, request: { query: ListQuery.extend({ assetId: z.uuid().optional() }) },
    responses: { 200: json(listOf(DeviceView), 'devices'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'install-base.read');
    const q = c.req.valid('query');
    const ks = keyset(devices.createdAt, devices.id, q.cursor);
    const rows = await db.select().from(devices)
      .where(and(q.assetId ? eq(devices.assetId, q.assetId) : undefined, ks.where)).orderBy(...ks.orderBy).limit(q.limit + 1);
    const p = page(rows, q.limit);
    return c.json({ items: p.rows.map(view), nextCursor: p.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/devices/{id}', tags, request: { params: IdParam },
    responses: { 200: json(DeviceView, 'device'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'install-base.read');
    const { id } = c.req.valid('param');
    const [d] = await db.select().from(devices).where(eq(devices.id, id));
    if (!d) throw new NotFound('device', id);
    return c.json(view(d), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/devices', tags, request: body(DeviceCreate),
    responses: { 201: json(DeviceCredentials, 'the device id (MQTT username) and token (MQTT password), shown once'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'devices.manage');
    const input = c.req.valid('json');
    const [asset] = await db.select({ id: assets.id }).from(assets).where(eq(assets.id, input.assetId));
    if (!asset) throw new BadRequest('unknown asset', { assetId: 'no such asset' });
    const token = newToken('hd');
    // The write and its audit entry commit together (inside, only `tx`: PGlite has one connection).
    const d = await db.transaction(async (tx) => {
      const [row] = await tx.insert(devices).values({ assetId: input.assetId, name: input.name ?? null, tokenHash: hashToken(token) }).returning();
      await audit(tx, p, 'create', 'device', row!.id, { assetId: input.assetId });
      await brokerAuth?.upsert(row!.id, token);
      return row!;
    });
    return c.json({ deviceId: d.id, token }, 201);
  });

  app.openapi(createRoute({
    method: 'post', path: '/devices/{id}/rotate', tags, request: { params: IdParam },
    responses: { 200: json(DeviceCredentials, 'a new token; the old one stops working'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'devices.manage');
    const { id } = c.req.valid('param');
    const token = newToken('hd');
    await db.transaction(async (tx) => {
      const done = await tx.update(devices).set({ tokenHash: hashToken(token), rotatedAt: new Date() })
        .where(and(eq(devices.id, id), isNull(devices.revokedAt))).returning({ id: devices.id });
      if (!done.length) {
        const [d] = await tx.select({ id: devices.id }).from(devices).where(eq(devices.id, id));
        if (!d) throw new NotFound('device', id);
        throw new Conflict('the device is revoked; create a new one', { revoked: true });
      }
      await audit(tx, p, 'rotate', 'device', id);
      await brokerAuth?.upsert(id, token);
    });
    return c.json({ deviceId: id, token }, 200);
  });

  app.openapi(createRoute({
    method: 'delete', path: '/devices/{id}', tags, request: { params: IdParam },
    responses: { 204: { description: 'revoked: its token no longer authenticates' }, ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'devices.manage');
    const { id } = c.req.valid('param');
    // Revoking again keeps the first revocation's time.
    await db.transaction(async (tx) => {
      const done = await tx.update(devices).set({ revokedAt: sql`coalesce(${devices.revokedAt}, now())`, isOnline: false })
        .where(eq(devices.id, id)).returning({ id: devices.id });
      if (!done.length) throw new NotFound('device', id);
      await audit(tx, p, 'revoke', 'device', id);
      await brokerAuth?.revoke(id);
    });
    return c.body(null, 204);
  });
  return app;
}

/** For the MQTT connector: is this the device's current token? */
export async function verifyDeviceToken(db: Db, deviceId: string, token: string): Promise<{ assetId: string } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(deviceId)) return null;
  const [d] = await db.select({ assetId: devices.assetId, tokenHash: devices.tokenHash }).from(devices)
    .where(and(eq(devices.id, deviceId), isNull(devices.revokedAt)));
  return d && d.tokenHash === hashToken(token) ? { assetId: d.assetId } : null;
}
