import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { calls, contacts, customers, serviceRequests, timelineEntries, users } from '../../db/schema/index.js';
import type { CtiWebhookBody } from '../contracts/api/calls.js';
import type { CallView, DomainEvent } from '../contracts/domain-events.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { normalizePhone } from '../identify/identify.js';
import { toTimelineView } from '../requests/summary.js';
import { callEvent } from './events.js';

type CallRow = typeof calls.$inferSelect;
type Emit = (e: DomainEvent) => void;
const STAFF = ['admin', 'supervisor', 'dispatcher', 'agent'] as const;

/**
 * One PBX event: newCall opens the call (caller matched by phone number), answer records who
 * took it, hangup ends it. A repeat or a late event for a state already passed changes nothing
 * (the PBX may retry). When an ended call belongs to a request, it lands on its timeline.
 */
export async function recordCtiEvent(db: Db, bus: EventBus, integrationId: string, ev: CtiWebhookBody): Promise<CallView | null> {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const now = new Date();
    const call = await findOrOpenCall(tx, integrationId, ev, now);
    const agentId = await matchAgent(tx, ev);
    const set: Partial<typeof calls.$inferInsert> = {};
    if (ev.event === 'newCall' && call.isNew) {
      if (ev.direction === 'out' && agentId) set.agentId = agentId;
    } else if (ev.event === 'answer' && call.row.state === 'ringing') {
      Object.assign(set, { state: 'answered', answeredAt: now, agentId: agentId ?? call.row.agentId });
    } else if (ev.event === 'hangup' && call.row.state !== 'ended') {
      Object.assign(set, { state: 'ended', endedAt: now, cause: ev.cause ?? null, agentId: call.row.agentId ?? agentId });
    } else if (!call.isNew) {
      return null;
    }
    const [row] = Object.keys(set).length
      ? await tx.update(calls).set({ ...set, version: sql`${calls.version} + 1`, updatedAt: sql`now()` }).where(eq(calls.id, call.row.id)).returning()
      : [call.row];
    const view = await toCallView(tx, row!);
    emit(callEvent(view));
    if (view.state === 'ended' && call.row.state !== 'ended') await logCallOnTimeline(tx, view, emit);
    return view;
  });
}

async function findOrOpenCall(tx: Tx, integrationId: string, ev: CtiWebhookBody, now: Date): Promise<{ row: CallRow; isNew: boolean }> {
  const where = and(eq(calls.integrationId, integrationId), eq(calls.callId, ev.callId));
  const [existing] = await tx.select().from(calls).where(where).for('update');
  if (existing) return { row: existing, isNew: false };
  const from = normalizePhone(ev.from);
  const to = normalizePhone(ev.to);
  const caller = await matchCaller(tx, ev.direction === 'in' ? from : to);
  const state = ev.event === 'newCall' ? 'ringing' : ev.event === 'answer' ? 'answered' : 'ended';
  // The unique (integration, callId) index settles two deliveries racing; the loser re-reads.
  const [inserted] = await tx.insert(calls).values({
    integrationId, callId: ev.callId, direction: ev.direction, fromNumber: from, toNumber: to, state,
    contactId: caller.contactId, customerId: caller.customerId, startedAt: now,
    ...(state === 'answered' ? { answeredAt: now } : {}), ...(state === 'ended' ? { endedAt: now, cause: ev.cause ?? null } : {}),
  }).onConflictDoNothing().returning();
  if (inserted) return { row: inserted, isNew: true };
  const [row] = await tx.select().from(calls).where(where).for('update');
  return { row: row!, isNew: false };
}

/** The caller's contact (by normalised phone), and their customer (or a customer with that number). */
export async function matchCaller(db: DbOrTx, phone: string): Promise<{ contactId: string | null; customerId: string | null }> {
  if (!phone) return { contactId: null, customerId: null };
  const [c] = await db.select({ id: contacts.id, customerId: contacts.customerId }).from(contacts)
    .where(inArray(contacts.phone, phoneForms(phone))).orderBy(sql`${contacts.customerId} is null`, contacts.createdAt).limit(1);
  if (c?.customerId) return { contactId: c.id, customerId: c.customerId };
  const [cust] = await db.select({ id: customers.id }).from(customers).where(inArray(customers.phone, phoneForms(phone))).limit(1);
  return { contactId: c?.id ?? null, customerId: cust?.id ?? null };
}

/**
 * The spellings one number arrives in: PBXs (Zammad's CTI among them) send E.164 without the
 * plus ("4930…"), contacts hold "+4930…", customers' numbers are stored as typed.
 */
export function phoneForms(phone: string): string[] {
  const digits = phone.replace(/^\+/, '');
  return [...new Set([phone, `+${digits}`, digits, `00${digits}`])];
}

/** Zammad names the agent in user[] (name or email); answeringNumber is the extension that picked up. */
async function matchAgent(tx: Tx, ev: CtiWebhookBody): Promise<string | null> {
  const names = ev.user.map((u) => u.trim().toLowerCase()).filter(Boolean);
  if (names.length) {
    const [u] = await tx.select({ id: users.id }).from(users).where(and(
      inArray(users.role, [...STAFF]), eq(users.isActive, true),
      sql`(lower(${users.name}) in ${names} or lower(${users.email}) in ${names})`,
    )).limit(1);
    if (u) return u.id;
  }
  if (ev.answeringNumber) {
    const wanted = normalizePhone(ev.answeringNumber);
    const staff = await tx.select({ id: users.id, phone: users.phone }).from(users)
      .where(and(inArray(users.role, [...STAFF]), eq(users.isActive, true), isNotNull(users.phone)));
    return staff.find((s) => s.phone && normalizePhone(s.phone) === wanted)?.id ?? null;
  }
  return null;
}

export async function toCallView(db: DbOrTx, c: CallRow): Promise<CallView> {
  const [contact] = c.contactId ? await db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, c.contactId)) : [];
  const [customer] = c.customerId ? await db.select({ name: customers.name }).from(customers).where(eq(customers.id, c.customerId)) : [];
  return {
    id: c.id, callId: c.callId, direction: c.direction, from: c.fromNumber, to: c.toNumber, state: c.state, cause: c.cause,
    agentId: c.agentId, contactId: c.contactId, customerId: c.customerId, requestId: c.requestId,
    caller: contact || customer ? { contactName: contact?.name ?? null, customerName: customer?.name ?? null } : null,
    startedAt: c.startedAt.toISOString(), answeredAt: c.answeredAt?.toISOString() ?? null, endedAt: c.endedAt?.toISOString() ?? null,
    durationSeconds: c.answeredAt && c.endedAt ? Math.round((c.endedAt.getTime() - c.answeredAt.getTime()) / 1000) : c.endedAt ? 0 : null,
  };
}

/**
 * The call on its request's timeline (direction, duration, agent), written once: when a call
 * that belongs to a request ends, or when an ended call is attached to one.
 */
export async function logCallOnTimeline(tx: Tx, call: CallView, emit: Emit): Promise<void> {
  if (!call.requestId || call.state !== 'ended') return;
  const talk = call.durationSeconds ?? 0;
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: call.requestId, kind: 'call', actorType: call.agentId ? 'user' : 'system', actorId: call.agentId,
    body: `${call.direction === 'in' ? 'Incoming' : 'Outgoing'} call ${call.from} → ${call.to}, ${Math.floor(talk / 60)}:${String(talk % 60).padStart(2, '0')} min`,
    data: { callId: call.id, direction: call.direction, from: call.from, to: call.to, durationSeconds: talk, agentId: call.agentId, cause: call.cause },
    isInternal: true,
  }).returning();
  await tx.update(serviceRequests).set({ updatedAt: sql`now()` }).where(eq(serviceRequests.id, call.requestId));
  emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
}
