import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, deadLetters } from '../../db/schema/index.js';
import { readEventsAfter, lastEventSeq } from '../events/event-log.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { createRouter, errorResponses, json, requirePermission } from '../http/router.js';
import { toWire } from '../provisioning/crud.js';

const AuditView = z.object({
  id: z.number(), at: z.string(), actorType: z.string(), actorId: z.string().nullable(), action: z.string(),
  entity: z.string(), entityId: z.string().nullable(), changes: z.record(z.string(), z.unknown()).nullable(),
}).openapi('AuditEntry');
const DeadLetterView = z.object({
  id: z.uuid(), source: z.string(), reason: z.string(), detail: z.string().nullable(), payload: z.string(), payloadBytes: z.number(),
  meta: z.record(z.string(), z.unknown()), replayedAt: z.string().nullable(), createdAt: z.string(),
}).openapi('DeadLetter');
const EventView = z.object({
  seq: z.number(), type: z.string(), data: z.unknown(), rooms: z.array(z.string()), committedAt: z.string(),
}).openapi('DomainEvent');

/** Audit log, dead letters and the event log, for supervisors and for consoles catching up. */
export function opsRoutes(db: Db) {
  const app = createRouter();

  app.openapi(createRoute({
    method: 'get', path: '/audit', tags: ['audit'],
    request: { query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().positive().optional(),
      entity: z.string().max(60).optional(), entityId: z.string().max(60).optional(),
    }) },
    responses: { 200: json(z.object({ items: z.array(AuditView), nextCursor: z.string().nullable() }), 'audit entries, newest first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'audit.read');
    const q = c.req.valid('query');
    const rows = await db.select().from(auditLog).where(and(
      q.before ? sql`${auditLog.id} < ${q.before}` : undefined,
      q.entity ? eq(auditLog.entity, q.entity) : undefined,
      q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
    )).orderBy(desc(auditLog.id)).limit(q.limit + 1);
    const items = rows.slice(0, q.limit);
    return c.json({
      items: items.map((r) => AuditView.parse(toWire(r))),
      nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.id) : null,
    }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/dead-letters', tags: ['dead-letters'],
    request: { query: ListQuery.extend({ source: z.string().max(40).optional() }) },
    responses: { 200: json(listOf(DeadLetterView), 'inputs that could not be processed, newest first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'dead-letters.read');
    const q = c.req.valid('query');
    const ks = keyset(deadLetters.createdAt, deadLetters.id, q.cursor);
    const rows = await db.select().from(deadLetters).where(and(q.source ? eq(deadLetters.source, q.source) : undefined, ks.where))
      .orderBy(...ks.orderBy).limit(q.limit + 1);
    const p = page(rows, q.limit);
    return c.json({ items: p.rows.map((r) => DeadLetterView.parse(toWire(r))), nextCursor: p.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/events', tags: ['events'],
    description: 'The domain event log in commit order: everything after `after`. A console that reconnects asks with the last number it has.',
    request: { query: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(500) }) },
    responses: { 200: json(z.object({ items: z.array(EventView), lastSeq: z.number() }), 'events after the given number'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'events.read');
    const q = c.req.valid('query');
    const [events, lastSeq] = await Promise.all([readEventsAfter(db, q.after, q.limit), lastEventSeq(db)]);
    return c.json({ items: events.map(({ seq, type, data, rooms, committedAt }) => ({ seq, type, data, rooms, committedAt })), lastSeq }, 200);
  });
  return app;
}
