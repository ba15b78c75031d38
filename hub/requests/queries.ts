import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { assets, contacts, serviceOrders, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { RequestListQuery, RequestView } from '../contracts/api/requests.js';
import { RequestStatus } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import { phoneForms } from '../calls/service.js';
import { BadRequest, NotFound } from '../platform/errors.js';
import { keyset, page } from '../http/pagination.js';
import { escapeLike } from '../provisioning/crud.js';
import { OPEN_STATUSES, CLOSED_STATUSES } from './status.js';
import { toRequestSummary, toTimelineView, type RequestRow } from './summary.js';

export function toRequestView(r: RequestRow): z.infer<typeof RequestView> {
  return {
    ...toRequestSummary(r), description: r.description, categoryId: r.categoryId, contactId: r.contactId,
    contractId: r.contractId, customFields: r.customFields, firstRespondedAt: r.firstRespondedAt?.toISOString() ?? null,
    resolvedAt: r.resolvedAt?.toISOString() ?? null, closedAt: r.closedAt?.toISOString() ?? null,
    closeReason: r.closeReason, mergedIntoId: r.mergedIntoId, splitFromId: r.splitFromId,
  };
}

/** What a caller may see: customers their organisation's requests, technicians those with an order of theirs. */
export function visibleTo(p: Principal): SQL | undefined {
  if (p.role === 'customer') return p.customerId ? eq(serviceRequests.customerId, p.customerId) : sql`false`;
  if (p.role === 'technician') {
    return sql`exists (select 1 from ${serviceOrders} where ${serviceOrders.requestId} = ${serviceRequests.id} and ${serviceOrders.technicianId} = ${p.userId})`;
  }
  return undefined;
}

export async function listRequests(db: DbOrTx, p: Principal, q: z.infer<typeof RequestListQuery> & { limit: number; cursor?: string | undefined }) {
  const where: (SQL | undefined)[] = [visibleTo(p)];
  if (q.status) where.push(inArray(serviceRequests.status, parseStatuses(q.status)));
  if (q.channel) where.push(eq(serviceRequests.channel, q.channel));
  if (q.type) where.push(eq(serviceRequests.type, q.type));
  if (q.priority) where.push(eq(serviceRequests.priority, q.priority));
  if (q.team) where.push(eq(serviceRequests.teamId, q.team));
  if (q.assignee) where.push(eq(serviceRequests.assigneeId, q.assignee));
  if (q.customerId) where.push(eq(serviceRequests.customerId, q.customerId));
  if (q.assetId) where.push(eq(serviceRequests.assetId, q.assetId));
  if (q.q) where.push(textMatch(q.q));
  const ks = keyset(serviceRequests.createdAt, serviceRequests.id, q.cursor);
  const rows = await db.select().from(serviceRequests).where(and(...where, ks.where)).orderBy(...ks.orderBy).limit(q.limit + 1);
  const p2 = page(rows, q.limit);
  return { items: p2.rows.map(toRequestView), nextCursor: p2.nextCursor };
}

/** "SR-000123" or "123" finds by number; anything else searches subject and description (full-text search comes with the search issue). */
function textMatch(q: string): SQL | undefined {
  const number = /^(?:SR-?)?0*(\d{1,9})$/i.exec(q.trim());
  if (number) return eq(serviceRequests.number, Number(number[1]));
  const like = `%${escapeLike(q.trim())}%`;
  return or(ilike(serviceRequests.subject, like), ilike(serviceRequests.description, like));
}

function parseStatuses(raw: string): RequestStatus[] {
  const out = new Set<RequestStatus>();
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'open') OPEN_STATUSES.forEach((s) => out.add(s));
    else if (part === 'done') CLOSED_STATUSES.forEach((s) => out.add(s));
    else {
      const parsed = RequestStatus.safeParse(part);
      if (!parsed.success) throw new BadRequest('unknown status', { status: `unknown status ${part}` });
      out.add(parsed.data);
    }
  }
  return [...out];
}

export async function getRequest(db: DbOrTx, p: Principal, id: string) {
  const [row] = await db.select().from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p)));
  if (!row) throw new NotFound('request', id);
  const timeline = await db.select().from(timelineEntries)
    .where(and(eq(timelineEntries.requestId, id), p.role === 'customer' ? eq(timelineEntries.isInternal, false) : undefined))
    .orderBy(asc(timelineEntries.createdAt), asc(timelineEntries.seq));
  return { ...toRequestView(row), timeline: timeline.map(toTimelineView) };
}

/**
 * For a call: the open requests of the caller (by contact, phone or email) and of their
 * customer's units, newest first. The agent decides whether the call joins one of them.
 */
export async function intakeCandidates(db: DbOrTx, hint: { contactId?: string | undefined; phone?: string | undefined; email?: string | undefined; serialNumber?: string | undefined }) {
  const contactIds: string[] = [];
  const customerIds: string[] = [];
  const who = hint.contactId ? eq(contacts.id, hint.contactId)
    : hint.email ? sql`lower(${contacts.email}) = lower(${hint.email})`
      // The spellings a number comes in (a PBX sends "49171…", contacts hold "+49171…"), as the CTI matcher.
      : hint.phone ? inArray(contacts.phone, phoneForms(hint.phone)) : undefined;
  if (who) {
    for (const c of await db.select({ id: contacts.id, customerId: contacts.customerId }).from(contacts).where(who).limit(20)) {
      contactIds.push(c.id);
      if (c.customerId) customerIds.push(c.customerId);
    }
  }
  const assetIds: string[] = [];
  if (hint.serialNumber) {
    for (const a of await db.select({ id: assets.id, customerId: assets.customerId }).from(assets)
      .where(sql`upper(${assets.serialNumber}) = upper(${hint.serialNumber})`)) {
      assetIds.push(a.id);
      customerIds.push(a.customerId);
    }
  }
  const anyOf: SQL[] = [];
  if (contactIds.length) anyOf.push(inArray(serviceRequests.contactId, contactIds));
  if (customerIds.length) anyOf.push(inArray(serviceRequests.customerId, customerIds));
  if (assetIds.length) anyOf.push(inArray(serviceRequests.assetId, assetIds));
  if (!anyOf.length) return { contactIds, items: [] };
  const rows = await db.select().from(serviceRequests)
    .where(and(or(...anyOf), inArray(serviceRequests.status, OPEN_STATUSES), sql`${serviceRequests.mergedIntoId} is null`))
    .orderBy(desc(serviceRequests.createdAt)).limit(50);
  return { contactIds, items: rows.map(toRequestView) };
}
