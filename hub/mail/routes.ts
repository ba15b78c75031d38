import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, emailMessages, outbox, serviceRequests } from '../../db/schema/index.js';
import { EmailMessageView, OutboxListQuery, OutboxView, ReplyCreate, ReplyCreated } from '../contracts/api/mail.js';
import type { EventBus } from '../events/bus.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { Conflict, NotFound } from '../platform/errors.js';
import type { Principal } from '../auth/principal.js';
import { visibleTo } from '../requests/queries.js';
import type { MailModule } from './module.js';
import { addReply, toOutboxView } from './service.js';

const IdParam = z.object({ id: z.uuid() });

async function assertVisible(db: Db, p: Principal, id: string) {
  const [r] = await db.select({ id: serviceRequests.id }).from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p)));
  if (!r) throw new NotFound('request', id);
}

/** The outbox (what was and will be mailed), a request's mail, and agents' replies. */
export function mailRoutes(db: Db, bus: EventBus, mail: MailModule) {
  const app = createRouter();
  const tags = ['mail'];

  app.openapi(createRoute({
    method: 'get', path: '/outbox', tags, request: { query: ListQuery.extend(OutboxListQuery.shape) },
    responses: { 200: json(listOf(OutboxView), 'outgoing mail, newest first (without SMTP_URL it is kept here)'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'outbox.read');
    const q = c.req.valid('query');
    const ks = keyset(outbox.createdAt, outbox.id, q.cursor);
    const rows = await db.select().from(outbox).where(and(
      q.status ? eq(outbox.status, q.status) : undefined, q.requestId ? eq(outbox.requestId, q.requestId) : undefined, ks.where,
    )).orderBy(...ks.orderBy).limit(q.limit + 1);
    const p = page(rows, q.limit);
    return c.json({ items: p.rows.map(toOutboxView), nextCursor: p.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/outbox/{id}/retry', tags, request: { params: IdParam },
    description: 'A mail that failed for good (a permanent refusal, or out of attempts) is queued again, e.g. after the address or the SMTP settings were fixed. Same Message-ID: threading is kept.',
    responses: { 200: json(OutboxView, 'queued again'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'outbox.retry');
    const { id } = c.req.valid('param');
    const row = await db.transaction(async (tx) => {
      const [queued] = await tx.update(outbox).set({ status: 'queued', attempts: 0, nextAttemptAt: sql`now()`, leaseUntil: null })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'failed'))).returning();
      if (!queued) {
        const [had] = await tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, id));
        if (!had) throw new NotFound('mail', id);
        throw new Conflict(`the mail is ${had.status}; only a failed mail can be sent again`, { status: had.status, allowed: ['failed'] });
      }
      await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'retry', entity: 'outbox', entityId: id, changes: { lastError: queued.lastError } });
      return queued;
    });
    mail.kick();
    return c.json(toOutboxView(row), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/requests/{id}/emails', tags, request: { params: IdParam },
    responses: {
      200: json(z.object({ inbound: z.array(EmailMessageView), outbound: z.array(OutboxView) }), 'the request\'s mail, oldest first'),
      ...errorResponses, ...notFoundResponse,
    },
  }), async (c) => {
    const p = requirePermission(c, 'outbox.read');
    const { id } = c.req.valid('param');
    await assertVisible(db, p, id);
    const [inbound, outbound] = await Promise.all([
      db.select().from(emailMessages).where(eq(emailMessages.requestId, id)).orderBy(asc(emailMessages.createdAt)),
      db.select().from(outbox).where(eq(outbox.requestId, id)).orderBy(asc(outbox.createdAt)),
    ]);
    return c.json({
      inbound: inbound.map((m) => EmailMessageView.parse({
        ...m, direction: m.direction, from: m.fromAddress, to: m.toAddresses, createdAt: m.createdAt.toISOString(),
      })),
      outbound: outbound.map(toOutboxView),
    }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/requests/{id}/replies', tags, request: { params: IdParam, ...body(ReplyCreate) },
    responses: { 201: json(ReplyCreated, 'the reply is on the timeline and in the outbox'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requests.reply');
    const created = await addReply(db, bus, mail.identity, p, c.req.valid('param').id, c.req.valid('json'), mail.kick);
    return c.json(created, 201);
  });
  return app;
}
