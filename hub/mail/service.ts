import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { auditLog, contacts, outbox, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import { OutboxView, type ReplyCreate } from '../contracts/api/mail.js';
import { formatRequestNumber } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, NotFound } from '../platform/errors.js';
import { visibleTo } from '../requests/queries.js';
import { toTimelineView } from '../requests/summary.js';
import { queueMail, type MailIdentity } from './outbox.js';

export function toOutboxView(r: typeof outbox.$inferSelect): z.infer<typeof OutboxView> {
  return OutboxView.parse({
    ...r, to: r.toAddress, nextAttemptAt: r.nextAttemptAt.toISOString(), sentAt: r.sentAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString(),
  });
}

/**
 * An agent's reply from the request view: the email_out timeline entry and the outbox row
 * commit together, so a reply is either on the timeline and on its way, or neither.
 */
export async function addReply(
  db: Db, bus: EventBus, id: MailIdentity, p: Principal, requestId: string, reply: z.infer<typeof ReplyCreate>,
  onQueued: () => void,
) {
  const result = await commitWithEvents(db, bus, async (tx, emit) => {
    const [req] = await tx.select({
      id: serviceRequests.id, number: serviceRequests.number, subject: serviceRequests.subject,
      contactEmail: contacts.email, language: contacts.language, firstRespondedAt: serviceRequests.firstRespondedAt,
    }).from(serviceRequests).leftJoin(contacts, eq(contacts.id, serviceRequests.contactId))
      .where(and(eq(serviceRequests.id, requestId), visibleTo(p))).for('update', { of: serviceRequests });
    if (!req) throw new NotFound('request', requestId);
    const to = reply.to ?? req.contactEmail;
    if (!to) throw new BadRequest('the request has no contact with an email address', { to: 'required: the contact has no email' });
    const [entry] = await tx.insert(timelineEntries).values({
      requestId, kind: 'email_out', actorType: p.kind, actorId: p.id, body: reply.body, data: { to },
    }).returning();
    const outboxId = await queueMail(tx, id, {
      kind: 'reply', template: 'reply', to, language: req.language, isAutomatic: false, isCustomer: true,
      request: { id: req.id, number: formatRequestNumber(req.number), subject: req.subject },
      params: { body: reply.body }, dedupKey: `reply:${entry!.id}`,
    });
    const [mail] = await tx.select().from(outbox).where(eq(outbox.id, outboxId!));
    await tx.update(timelineEntries).set({ data: { to, outboxId, messageId: mail!.messageId } }).where(eq(timelineEntries.id, entry!.id));
    await tx.update(serviceRequests).set({
      updatedAt: sql`now()`, ...(req.firstRespondedAt ? {} : { firstRespondedAt: sql`now()` }),
    }).where(eq(serviceRequests.id, requestId));
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'reply', entity: 'service_request', entityId: requestId, changes: { to, outboxId } });
    const view = toTimelineView({ ...entry!, data: { to, outboxId, messageId: mail!.messageId } });
    emit({ type: 'request.timeline_added', data: view });
    return { entry: view, mail: toOutboxView(mail!) };
  });
  onQueued();
  return result;
}
