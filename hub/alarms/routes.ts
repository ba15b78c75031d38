import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { actorOf } from '../auth/principal.js';
import type { Db } from '../../db/client.js';
import { alarmOccurrences, alarms, assets, auditLog, customers, deadLetters, faultCodes, productModels, sites, timelineEntries } from '../../db/schema/index.js';
import { handleDeviceMessage, type MqttHubServices } from '../../connectors/mqtt/handle.js';
import { AlarmDetail, AlarmListQuery, AlarmUnit, AlarmView, ReplayResult } from '../contracts/api/alarms.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { Conflict, NotFound } from '../platform/errors.js';
import { toTimelineView } from '../requests/summary.js';
import { lockAlarm } from './record-batch.js';
import { toAlarmSummary } from './summary.js';

const IdParam = z.object({ id: z.uuid() });

type Unit = z.infer<typeof AlarmUnit>;

/** Serial, model, customer and site of these assets: one query for a page of alarms. */
async function unitsOf(db: Db, assetIds: string[]): Promise<Map<string, Unit>> {
  const ids = [...new Set(assetIds)];
  if (!ids.length) return new Map();
  const rows = await db.select({
    id: assets.id, serialNumber: assets.serialNumber, model: productModels.name, customerName: customers.name, siteName: sites.name,
  }).from(assets)
    .innerJoin(productModels, eq(productModels.id, assets.modelId))
    .innerJoin(customers, eq(customers.id, assets.customerId))
    .leftJoin(sites, eq(sites.id, assets.siteId))
    .where(inArray(assets.id, ids));
  return new Map(rows.map(({ id, ...unit }) => [id, unit]));
}

/** Alarms (list, detail with occurrence history, acknowledge) and the replay of MQTT dead letters. */
export function alarmRoutes(db: Db, bus: EventBus, mqtt: MqttHubServices) {
  const app = createRouter();
  const tags = ['alarms'];

  app.openapi(createRoute({
    method: 'get', path: '/alarms', tags, request: { query: ListQuery.extend(AlarmListQuery.shape) },
    responses: { 200: json(listOf(AlarmView), 'alarms, newest first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'alarms.read');
    const q = c.req.valid('query');
    const ks = keyset(alarms.createdAt, alarms.id, q.cursor);
    const rows = await db.select().from(alarms).where(and(
      ks.where,
      q.state ? eq(alarms.state, q.state) : undefined,
      q.severity ? eq(alarms.severity, q.severity) : undefined,
      q.assetId ? eq(alarms.assetId, q.assetId) : undefined,
      q.requestId ? eq(alarms.requestId, q.requestId) : undefined,
    )).orderBy(...ks.orderBy).limit(q.limit + 1);
    const p = page(rows, q.limit);
    const units = await unitsOf(db, p.rows.map((r) => r.assetId));
    return c.json({ items: p.rows.map((r) => ({ ...toAlarmSummary(r), unit: units.get(r.assetId) ?? null })), nextCursor: p.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/alarms/{id}', tags, request: { params: IdParam },
    responses: { 200: json(AlarmDetail, 'the alarm with its per-minute occurrence history'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'alarms.read');
    const { id } = c.req.valid('param');
    const [a] = await db.select().from(alarms).where(eq(alarms.id, id));
    if (!a) throw new NotFound('alarm', id);
    const history = await db.select().from(alarmOccurrences).where(eq(alarmOccurrences.alarmId, id))
      .orderBy(desc(alarmOccurrences.bucket)).limit(1440);
    const units = await unitsOf(db, [a.assetId]);
    return c.json({
      ...toAlarmSummary(a), unit: units.get(a.assetId) ?? null,
      occurrences: history.map((h) => ({ bucket: h.bucket.toISOString(), raises: h.raises, clears: h.clears, maxSeverity: h.maxSeverity })),
    }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/alarms/{id}/ack', tags, request: { params: IdParam },
    description: 'An agent has seen the alarm and owns it. It stays open until the device clears it.',
    responses: { 200: json(AlarmView, 'acknowledged'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'alarms.ack');
    const { id } = c.req.valid('param');
    const alarm = await commitWithEvents(db, bus, async (tx, emit) => {
      await lockAlarm(tx, id);
      const [row] = await tx.update(alarms).set({ state: 'acknowledged', acknowledgedAt: new Date(), acknowledgedBy: p.userId, version: sql`${alarms.version} + 1`, updatedAt: new Date() })
        .where(and(eq(alarms.id, id), eq(alarms.state, 'active'))).returning();
      if (!row) {
        const [had] = await tx.select({ state: alarms.state }).from(alarms).where(eq(alarms.id, id));
        if (!had) throw new NotFound('alarm', id);
        throw new Conflict(`the alarm is ${had.state}; only an active alarm can be acknowledged`, { state: had.state, allowed: ['active'] });
      }
      const [code] = await tx.select({ description: faultCodes.description }).from(faultCodes).where(eq(faultCodes.code, row.faultCode));
      if (row.requestId) {
        const [entry] = await tx.insert(timelineEntries).values({
          requestId: row.requestId, kind: 'alarm', actorType: actorOf(p).type, actorId: actorOf(p).id,
          body: `${row.faultCode} ${code?.description ?? '(unknown code)'} acknowledged`,
          data: { alarmId: row.id, event: 'acknowledged' },
        }).returning();
        if (entry) emit({ type: 'request.timeline_added', data: toTimelineView(entry) });
      }
      await tx.insert(auditLog).values({ actorType: actorOf(p).type, actorId: actorOf(p).id, action: 'acknowledge', entity: 'alarm', entityId: row.id });
      const alarm = toAlarmSummary(row);
      emit({ type: 'alarm.acknowledged', data: { alarm } });
      return alarm;
    });
    const units = await unitsOf(db, [alarm.assetId]);
    return c.json({ ...alarm, unit: units.get(alarm.assetId) ?? null }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/dead-letters/{id}/replay', tags: ['dead-letters'], request: { params: IdParam },
    description: 'Runs a stored MQTT message through intake again, once its cause is fixed (e.g. the device is registered). 409 names the reason when it still fails.',
    responses: { 200: json(ReplayResult, 'processed'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    requirePermission(c, 'dead-letters.replay');
    const { id } = c.req.valid('param');
    const [d] = await db.select().from(deadLetters).where(eq(deadLetters.id, id));
    if (!d) throw new NotFound('dead letter', id);
    if (d.replayedAt) throw new Conflict('the dead letter was replayed already', { replayedAt: d.replayedAt.toISOString() });
    const meta = ReplayMeta.safeParse(d.meta);
    if (d.source !== 'mqtt' || !meta.success) throw new Conflict('only MQTT dead letters with their topic can be replayed', { source: d.source });
    if (meta.data.isTruncated) throw new Conflict('the stored payload is truncated (oversize); it cannot be replayed', { reason: d.reason });
    const raw = Buffer.from(d.payload, meta.data.encoding === 'base64' ? 'base64' : 'utf8');
    // Replayed into a sink that refuses to dead-letter again: a failure answers 409 instead.
    let failure: { reason: string; detail: string } | null = null;
    const once: MqttHubServices = { ...mqtt, deadLetter: async (x) => { failure = { reason: x.reason, detail: x.detail }; } };
    const res = await handleDeviceMessage(once, meta.data.topic, raw, { receivedAt: new Date(meta.data.receivedAt), isReplay: true });
    if (res.kind === 'dead_letter') failure ??= { reason: res.reason, detail: res.detail };
    if (failure) throw new Conflict(`replay failed: ${failure.reason}`, failure);
    await db.update(deadLetters).set({ replayedAt: new Date() }).where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt)));
    const outcome: 'recorded' | 'duplicate' | 'status' = res.kind === 'recorded' || res.kind === 'duplicate' ? res.kind : 'status';
    return c.json({ deadLetterId: id, outcome, alarmId: res.kind === 'recorded' ? res.alarmId : null }, 200);
  });
  return app;
}

const ReplayMeta = z.object({
  topic: z.string().min(1), receivedAt: z.iso.datetime(), encoding: z.enum(['utf8', 'base64']).default('utf8'), isTruncated: z.boolean().default(false),
});
