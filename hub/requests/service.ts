import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { auditLog, serviceRequests, teamMembers, teams, timelineEntries, users } from '../../db/schema/index.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { NoteCreate, RequestUpdate } from '../contracts/api/requests.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, Conflict, NotFound, StaleVersion } from '../platform/errors.js';
import { checkTransition } from './status.js';
import { slaOnStatusChange } from '../sla/pause.js';
import { hasCustomerAcceptance } from '../orders/queries.js';
import { toRequestView, visibleTo } from './queries.js';
import { toRequestSummary, toTimelineView, type RequestRow } from './summary.js';
import type { Tx } from '../../db/client.js';

type Update = z.infer<typeof RequestUpdate>;
type TimelineInsert = typeof timelineEntries.$inferInsert;

/** A change to a request, checked against the version the caller read and the status machine. */
export async function updateRequest(db: Db, bus: EventBus, p: Principal, id: string, u: Update) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [current] = await tx.select().from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p))).for('update');
    if (!current) throw new NotFound('request', id);
    if (current.version !== u.version) throw new StaleVersion('request', u.version, current.version);
    const { set, entries, changed } = await planChanges(tx, p, current, u);
    if (changed.length === 0) return toRequestView(current);
    const [row] = await tx.update(serviceRequests)
      .set({ ...set, version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceRequests.id, id)).returning();
    // A subject-only edit has no timeline entry, and drizzle refuses an empty values().
    const inserted = entries.length ? await tx.insert(timelineEntries).values(entries.map((e) => ({ ...e, requestId: id }))).returning() : [];
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'update', entity: 'service_request', entityId: id, changes: { ...u, changed } });
    emit({ type: 'request.updated', data: { request: toRequestSummary(row!), changed } });
    for (const t of inserted) emit({ type: 'request.timeline_added', data: toTimelineView(t) });
    return toRequestView(row!);
  });
}

async function planChanges(tx: Tx, p: Principal, cur: RequestRow, u: Update) {
  const set: Partial<typeof serviceRequests.$inferInsert> = {};
  const entries: Array<Omit<TimelineInsert, 'requestId'>> = [];
  const actor = { actorType: p.kind, actorId: p.id };
  if (u.subject !== undefined && u.subject !== cur.subject) set.subject = u.subject;
  if (u.priority && u.priority !== cur.priority) {
    set.priority = u.priority;
    entries.push({ ...actor, kind: 'priority_changed', body: '', data: { from: cur.priority, to: u.priority } });
  }
  if (u.teamId !== undefined && u.teamId !== cur.teamId) {
    if (u.teamId) {
      const [t] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, u.teamId));
      if (!t) throw new BadRequest('unknown team', { teamId: 'no such team' });
    }
    set.teamId = u.teamId;
    entries.push({ ...actor, kind: 'assigned', body: '', data: { teamFrom: cur.teamId, teamTo: u.teamId } });
  }
  let status = u.status;
  if (u.assigneeId !== undefined && u.assigneeId !== cur.assigneeId) {
    if (u.assigneeId) await assertAssignable(tx, u.assigneeId, set.teamId ?? cur.teamId);
    set.assigneeId = u.assigneeId;
    entries.push({ ...actor, kind: 'assigned', body: '', data: { from: cur.assigneeId, to: u.assigneeId } });
    if (u.assigneeId && cur.status === 'new' && !status) status = 'assigned';
  }
  if (status && status !== cur.status) {
    const check = checkTransition(cur.status, status, p.role, u.reason, status === 'closed' && await hasCustomerAcceptance(tx, cur.id));
    if (!check.ok) {
      const why = check.reason === 'role' ? 'only a supervisor may close a request'
        : check.reason === 'needs_reason' ? 'closing without customer feedback needs a reason'
          : `a ${cur.status} request cannot become ${status}`;
      throw new Conflict(why, { from: cur.status, to: status, allowed: check.allowed });
    }
    set.status = status;
    Object.assign(set, await slaOnStatusChange(tx, cur, status));
    if (status === 'resolved') set.resolvedAt = new Date();
    if (status === 'closed' || status === 'closed_unresolved') { set.closedAt = new Date(); set.closeReason = u.reason ?? null; }
    if (status === 'in_progress' && !cur.firstRespondedAt) set.firstRespondedAt = new Date();
    entries.push({ ...actor, kind: 'status_changed', body: u.reason ?? '', data: { from: cur.status, to: status } });
  }
  const changed = Object.keys(set);
  return { set, entries, changed };
}

async function assertAssignable(tx: Tx, userId: string, teamId: string | null) {
  const [u] = await tx.select({ isActive: users.isActive, role: users.role }).from(users).where(eq(users.id, userId));
  if (!u || !u.isActive) throw new BadRequest('unknown or inactive user', { assigneeId: 'no such active user' });
  if (u.role === 'customer' || u.role === 'technician') throw new BadRequest('requests are assigned to agents, dispatchers or supervisors', { assigneeId: `a ${u.role} cannot own a request` });
  if (teamId) {
    const [m] = await tx.select().from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
    if (!m && u.role === 'agent') throw new BadRequest('the agent is not in the request\'s team', { assigneeId: 'not a member of the team' });
  }
}

export async function addNote(db: Db, bus: EventBus, p: Principal, id: string, note: z.infer<typeof NoteCreate>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [cur] = await tx.select({ id: serviceRequests.id }).from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p)));
    if (!cur) throw new NotFound('request', id);
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: id, kind: 'note', actorType: p.kind, actorId: p.id, body: note.body, isInternal: note.isInternal,
    }).returning();
    await tx.update(serviceRequests).set({ updatedAt: sql`now()` }).where(eq(serviceRequests.id, id));
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'add_note', entity: 'service_request', entityId: id, changes: { isInternal: note.isInternal } });
    const view = toTimelineView(entry!);
    emit({ type: 'request.timeline_added', data: view } satisfies DomainEvent);
    return view;
  });
}
