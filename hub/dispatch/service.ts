import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { auditLog, serviceOrders, timelineEntries } from '../../db/schema/index.js';
import type { AssignBody, ReleaseResult } from '../contracts/api/dispatch.js';
import type { OrderStatus } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { applyTransition, lockOrder, type Emit } from '../orders/lifecycle.js';
import { moverOf, toDetail } from '../orders/service.js';
import { toOrderSummary, type OrderRow } from '../orders/summary.js';
import { allowedOrderTransitions, checkOrderTransition, describeRefusal } from '../orders/transitions.js';
import { BadRequest, Conflict, NotFound, StaleVersion } from '../platform/errors.js';
import { toTimelineView } from '../requests/summary.js';
import type { Point } from './geo.js';
import { dayOf, dayWindow, scheduledOrders, siteLocation, sitesOf } from './queries.js';
import { planDay } from './route.js';
import { getTechnician, loadTechnicians, toTechnicianSummary } from './technicians.js';

/** Visits that still lie ahead on a day and get routed; on-site and done ones keep their place. */
export const ROUTED: OrderStatus[] = ['planned', 'dispatched', 'en_route'];
export const DONE_OR_HERE: OrderStatus[] = ['on_site', 'completed', 'accepted', 'closed'];
const POSITION_FRESH_MS = 12 * 3_600_000;

/** Where a technician's day starts: a recent device position, else home. */
export function startOf(t: Awaited<ReturnType<typeof getTechnician>>, now = new Date()): Point | null {
  const s = toTechnicianSummary(t);
  if (s.position && now.getTime() - Date.parse(s.position.at) <= POSITION_FRESH_MS) return { latitude: s.position.latitude, longitude: s.position.longitude };
  return s.home;
}

/**
 * Puts an order on a technician's day (the board's drag and drop). A new or rejected order
 * becomes planned; a planned one moves; a dispatched one that changes hands or day goes back to
 * planned, so the technician is told only on release.
 */
export async function assignOrder(db: Db, bus: EventBus, p: Principal, a: z.infer<typeof AssignBody>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const cur = await lockOrder(tx, a.orderId);
    if (!cur) throw new NotFound('order', a.orderId);
    if (cur.version !== a.version) throw new StaleVersion('order', a.version, cur.version);
    const [tech] = await loadTechnicians(tx, [a.technicianId]);
    if (!tech?.user.isActive) throw new BadRequest('unknown or inactive technician', { technicianId: 'not an active technician' });
    const scheduledFor = new Date(a.scheduledFor);
    const extra = { technicianId: a.technicianId, scheduledFor };
    const isMove = cur.technicianId !== a.technicianId || cur.scheduledFor?.getTime() !== scheduledFor.getTime();
    let row: OrderRow;
    if (cur.status === 'new' || cur.status === 'rejected' || (cur.status === 'dispatched' && isMove)) {
      row = await applyTransition(tx, emit, cur, 'planned', moverOf(p), undefined, extra);
    } else if (cur.status === 'planned') {
      row = await moveOrder(tx, emit, p, cur, extra);
    } else if (cur.status === 'dispatched') {
      row = cur;
    } else {
      throw new Conflict(`a ${cur.status} order cannot be re-planned`, { from: cur.status, allowed: ['new', 'planned', 'dispatched', 'rejected'] });
    }
    const days = new Set([`${a.technicianId}|${scheduledFor.toISOString()}`]);
    if (cur.technicianId && cur.scheduledFor) days.add(`${cur.technicianId}|${cur.scheduledFor.toISOString()}`);
    for (const d of days) {
      const [techId, at] = d.split('|') as [string, string];
      await resequence(tx, emit, techId, new Date(at));
    }
    const [after] = await tx.select().from(serviceOrders).where(eq(serviceOrders.id, row.id));
    return toDetail(after!, p);
  });
}

async function moveOrder(tx: Tx, emit: Emit, p: Principal, cur: OrderRow, extra: { technicianId: string; scheduledFor: Date }) {
  const [row] = await tx.update(serviceOrders).set({ ...extra, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` })
    .where(eq(serviceOrders.id, cur.id)).returning();
  const summary = toOrderSummary(row!);
  const changed = ['technicianId', 'scheduledFor'];
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: cur.requestId, kind: 'order', actorType: p.kind, actorId: p.id, body: `${summary.number} re-planned`,
    data: { orderId: cur.id, number: summary.number, event: 'planned', technicianId: extra.technicianId, scheduledFor: extra.scheduledFor.toISOString() },
  }).returning();
  await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'assign', entity: 'service_order', entityId: cur.id, changes: { technicianId: extra.technicianId, scheduledFor: extra.scheduledFor.toISOString() } });
  emit({ type: 'order.updated', data: { order: summary, changed } });
  emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
  return row!;
}

/**
 * Writes the visit sequence of a technician's day (the day of `at` in their shift's zone).
 * Every order whose place changed is announced (order.updated, new version), so a board that
 * keeps the latest version per order stays right.
 */
export async function resequence(tx: Tx, emit: Emit, technicianId: string, at: Date) {
  const tech = await getTechnician(tx, technicianId);
  const tz = tech.profile?.shift?.timeZone ?? 'UTC';
  const { start, end } = dayWindow(dayOf(at, tz), tz);
  const routed = await scheduledOrders(tx, [technicianId], start, end, ROUTED);
  const sites = await sitesOf(tx, routed.map((o) => o.id));
  const done = await scheduledOrders(tx, [technicianId], start, end, DONE_OR_HERE);
  const plan = planDay(startOf(tech), routed.map((o) => ({ id: o.id, priority: o.priority, dueAt: o.dueAt, location: siteLocation(sites.get(o.id)) })), end);
  for (const v of plan) {
    const o = routed.find((r) => r.id === v.id)!;
    const sequence = done.length + v.sequence;
    if (o.sequence === sequence) continue;
    const [row] = await tx.update(serviceOrders).set({ sequence, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceOrders.id, o.id)).returning();
    emit({ type: 'order.updated', data: { order: toOrderSummary(row!), changed: ['sequence'] } });
  }
}

/** Release one or a batch of planned orders to their technicians; each order is judged on its own. */
export async function releaseOrders(db: Db, bus: EventBus, p: Principal, orderIds: string[]): Promise<z.infer<typeof ReleaseResult>> {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const result: z.infer<typeof ReleaseResult> = { released: [], refused: [] };
    const touched = new Map<string, Date>();
    for (const id of [...new Set(orderIds)].sort()) {
      const cur = await lockOrder(tx, id);
      if (!cur) { result.refused.push({ orderId: id, message: `order ${id} not found`, allowed: [] }); continue; }
      const verdict = checkOrderTransition({ from: cur.status, to: 'dispatched', role: p.role, isAssignee: false, hasTechnician: !!cur.technicianId, isAccepted: !!cur.acceptedAt });
      if (!verdict.ok) { result.refused.push({ orderId: id, message: describeRefusal(verdict, cur.status, 'dispatched', p.role), allowed: verdict.allowed }); continue; }
      if (!cur.scheduledFor) { result.refused.push({ orderId: id, message: 'plan a day (scheduledFor) before release', allowed: allowedOrderTransitions(cur.status, p.role) }); continue; }
      const row = await applyTransition(tx, emit, cur, 'dispatched', moverOf(p));
      result.released.push(toOrderSummary(row));
      touched.set(`${row.technicianId}|${dayOf(row.scheduledFor!, 'UTC')}`, row.scheduledFor!);
    }
    for (const [key, at] of touched) await resequence(tx, emit, key.split('|')[0]!, at);
    // The released summaries carry the final sequence and version.
    for (const [i, o] of result.released.entries()) {
      const [row] = await tx.select().from(serviceOrders).where(eq(serviceOrders.id, o.id));
      result.released[i] = toOrderSummary(row!);
    }
    return result;
  });
}
