import { and, count, eq, gt, sql } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import type { Tx } from '../../db/client.js';
import { contacts, emailMessages, outbox, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { EmailIntake, IntakeEvent } from '../contracts/intake-event.js';
import { formatRequestNumber } from '../contracts/model.js';
import { toRequestSummary, toTimelineView } from '../requests/summary.js';
import { slaOnReopen } from '../sla/pause.js';

export type ThreadEvidence = 'sr_tag' | 'in_reply_to' | 'references' | 'new';

export type EmailThreading =
  | { kind: 'ignored'; reason: string; requestId: string | null }
  | { kind: 'proceed'; event: IntakeEvent; evidence: ThreadEvidence };

const CLOSED = ['resolved', 'closed', 'closed_unresolved'];
const OUR_SHAPE = /^<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@/i;

/**
 * Decides, inside the pipeline's transaction, which request an inbound mail belongs to:
 * the [SR-…] tag first, then In-Reply-To, then References (newest first) against the mail we
 * received or sent; otherwise a new request. Noise never opens or reopens anything.
 */
export async function threadEmail(tx: Tx, ev: IntakeEvent, mail: EmailIntake, events: DomainEvent[]): Promise<EmailThreading> {
  // Ours are <uuid@domain>: only a Message-ID of that shape needs the look-up.
  if (OUR_SHAPE.test(mail.messageId)) {
    const [own] = await tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.messageId, mail.messageId));
    if (own) return { kind: 'ignored', reason: 'own_message', requestId: null };
  }

  const found = await findThread(tx, mail);
  if (mail.noise) {
    if (!found) return { kind: 'ignored', reason: mail.noise, requestId: null };
    if (CLOSED.includes(found.status)) return { kind: 'ignored', reason: mail.noise, requestId: found.id };
    return { kind: 'proceed', evidence: found.evidence, event: { ...ev, attachToRequestId: found.id, timelineData: { ...ev.timelineData, evidence: found.evidence, noise: mail.noise } } };
  }
  if (!found) {
    if (await isSenderOverLimit(tx, mail)) return { kind: 'ignored', reason: 'sender_rate_limited', requestId: null };
    return { kind: 'proceed', evidence: 'new', event: { ...ev, timelineData: { ...ev.timelineData, evidence: 'new' } } };
  }
  const data = { ...ev.timelineData, evidence: found.evidence };
  if (CLOSED.includes(found.status) && mail.onClosed === 'new') {
    const linked = { id: found.id, number: formatRequestNumber(found.number) };
    return { kind: 'proceed', evidence: found.evidence, event: { ...ev, isForcedNew: true, timelineData: { ...data, linkedFrom: linked } } };
  }
  if (CLOSED.includes(found.status)) await reopen(tx, found.id, found.evidence, events);
  return { kind: 'proceed', evidence: found.evidence, event: { ...ev, attachToRequestId: found.id, timelineData: data } };
}

async function findThread(tx: Tx, mail: EmailIntake) {
  const cols = { id: serviceRequests.id, number: serviceRequests.number, status: serviceRequests.status, mergedIntoId: serviceRequests.mergedIntoId };
  if (mail.srNumber) {
    // A tag is typed, not proven: it counts only from the request's contact or a contact of its
    // customer, so a stranger cannot write onto someone else's request by guessing a number.
    const [r] = await tx.select(cols).from(serviceRequests).where(and(eq(serviceRequests.number, mail.srNumber), sql`exists (
      select 1 from ${contacts} where lower(${contacts.email}) = lower(${mail.from})
      and (${contacts.id} = ${serviceRequests.contactId} or ${contacts.customerId} = ${serviceRequests.customerId}))`));
    if (r) return { ...r, evidence: 'sr_tag' as const };
  }
  const ids = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((x): x is string => !!x))];
  if (ids.length === 0) return null;
  const [inbound, sent] = await Promise.all([
    tx.select({ messageId: emailMessages.messageId, requestId: emailMessages.requestId }).from(emailMessages)
      .where(and(anyOf(emailMessages.messageId, ids, 'text'), sql`${emailMessages.requestId} is not null`)),
    tx.select({ messageId: outbox.messageId, requestId: outbox.requestId }).from(outbox)
      .where(and(anyOf(outbox.messageId, ids, 'text'), sql`${outbox.requestId} is not null`)),
  ]);
  const byId = new Map([...inbound, ...sent].map((m) => [m.messageId, m.requestId!]));
  for (const mid of ids) {
    const requestId = byId.get(mid);
    if (!requestId) continue;
    let [r] = await tx.select(cols).from(serviceRequests).where(eq(serviceRequests.id, requestId));
    // A merged request's thread continues on the request it was merged into.
    if (r?.mergedIntoId) [r] = await tx.select(cols).from(serviceRequests).where(eq(serviceRequests.id, r.mergedIntoId));
    if (r) return { ...r, evidence: mid === mail.inReplyTo ? 'in_reply_to' as const : 'references' as const };
  }
  return null;
}

async function isSenderOverLimit(tx: Tx, mail: EmailIntake): Promise<boolean> {
  const [row] = await tx.select({ n: count() }).from(emailMessages).where(and(
    sql`lower(${emailMessages.fromAddress}) = lower(${mail.from})`, eq(emailMessages.evidence, 'new'),
    gt(emailMessages.createdAt, sql`now() - interval '1 hour'`),
  ));
  return (row?.n ?? 0) >= mail.senderHourlyLimit;
}

/** The customer answered a closed request: it is open again, on the timeline and as request.updated. */
async function reopen(tx: Tx, id: string, evidence: ThreadEvidence, events: DomainEvent[]) {
  const [before] = await tx.select().from(serviceRequests).where(eq(serviceRequests.id, id)).for('update');
  if (before) await slaOnReopen(tx, before);
  const [row] = await tx.update(serviceRequests).set({
    status: 'in_progress', closedAt: null, resolvedAt: null, closeReason: null,
    version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()`,
  }).where(eq(serviceRequests.id, id)).returning();
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: id, kind: 'status_changed', actorType: 'customer', body: 'reopened by the customer\'s email reply',
    data: { from: before?.status, to: 'in_progress', evidence },
  }).returning();
  events.push({ type: 'request.updated', data: { request: toRequestSummary(row!), changed: ['status'] } });
  events.push({ type: 'request.timeline_added', data: toTimelineView(entry!) });
}

/** The email_messages row: what later replies thread against, and what the console shows. */
export async function recordInboundEmail(tx: Tx, mail: EmailIntake, requestId: string | null, evidence: string): Promise<void> {
  await tx.insert(emailMessages).values({
    messageId: mail.messageId, requestId, mailboxId: mail.mailboxId, direction: 'in', fromAddress: mail.from,
    toAddresses: mail.to, subject: mail.headers.subject ?? '', inReplyTo: mail.inReplyTo, references: mail.references,
    evidence, headers: mail.headers, text: mail.text, html: mail.html, attachments: mail.attachments,
  }).onConflictDoNothing({ target: emailMessages.messageId });
}
