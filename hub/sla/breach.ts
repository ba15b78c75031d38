import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { serviceOrders, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { SlaClock } from '../contracts/domain-events.js';
import type { TimerAction } from '../contracts/jobs.js';
import type { OrderStatus } from '../contracts/model.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import type { Emit } from '../orders/lifecycle.js';
import { toOrderSummary, type OrderRow } from '../orders/summary.js';
import { ACTIVE_ORDER_STATUSES } from '../orders/transitions.js';
import { CLOSED_STATUSES } from '../requests/status.js';
import { toRequestSummary, toTimelineView, type RequestRow } from '../requests/summary.js';
import { TIMER_HORIZON_MS, TimerService, type TimerRef } from '../timers/timers.js';
import { businessMsBetween, escalatePriority, WARN_RATIO } from './clock.js';
import { slaFactsOf, slaKey } from './engine.js';

/** Orders still on the way to the site: the on-site clock runs for these. */
const BEFORE_SITE: OrderStatus[] = ACTIVE_ORDER_STATUSES.filter((s) => s !== 'on_site');

/**
 * An SLA timer fired. Warning phase (80% used): a timeline entry, the priority one step up,
 * `sla.warned`, and the timer re-set to the due time. Breach phase: the same with
 * `sla.breached`. A clock that is satisfied, paused or already breached does nothing; a
 * paused one is re-set when the request resumes.
 */
/**
 * Fires an SLA timer: the claim, the warning or breach and its events commit together, so a hub
 * killed in between leaves the timer pending for the sweep, and two hubs fire it once.
 */
export async function fireSlaTimer(db: Db, bus: EventBus, timers: TimerService, timerId: string): Promise<void> {
  const rearm = await commitWithEvents(db, bus, async (tx, emit) => {
    const claimed = await timers.claim(tx, timerId);
    if (!claimed) return [];
    const { action } = claimed;
    return action.kind === 'sla.on_site' ? onSiteTimer(tx, emit, action) : requestTimer(tx, emit, action);
  });
  for (const t of rearm) if (t.runAt.getTime() <= Date.now() + TIMER_HORIZON_MS) await timers.arm(t);
}

type RequestAction = Extract<TimerAction, { requestId: string }>;
type OrderAction = Extract<TimerAction, { kind: 'sla.on_site' }>;

async function requestTimer(tx: Tx, emit: Emit, action: RequestAction): Promise<TimerRef[]> {
  const clock: SlaClock = action.kind === 'sla.response' ? 'response' : 'resolution';
  const [r] = await tx.select().from(serviceRequests).where(eq(serviceRequests.id, action.requestId)).for('update');
  if (!r || CLOSED_STATUSES.includes(r.status) || r.mergedIntoId || r.slaPausedAt) return [];
  if (clock === 'response' && r.firstRespondedAt) return [];
  const dueAt = clock === 'response' ? r.responseDueAt : r.resolutionDueAt;
  if (!dueAt || r.slaMarks[`${clock}.breached`]) return [];
  return mark(tx, emit, { request: r, clock, dueAt, key: slaKey[clock](r.id), action, markPrefix: clock });
}

async function onSiteTimer(tx: Tx, emit: Emit, action: OrderAction): Promise<TimerRef[]> {
  const [o] = await tx.select().from(serviceOrders).where(eq(serviceOrders.id, action.orderId)).for('update');
  if (!o?.onSiteDueAt || !BEFORE_SITE.includes(o.status)) return [];
  const [r] = await tx.select().from(serviceRequests).where(eq(serviceRequests.id, o.requestId)).for('update');
  if (!r || r.slaPausedAt || r.slaMarks[`on_site:${o.id}.breached`]) return [];
  return mark(tx, emit, { request: r, order: o, clock: 'on_site', dueAt: o.onSiteDueAt, key: slaKey.onSite(o.id), action, markPrefix: `on_site:${o.id}` });
}

interface Firing {
  request: RequestRow; order?: OrderRow; clock: SlaClock; dueAt: Date; key: string; action: TimerAction; markPrefix: string;
}

async function mark(tx: Tx, emit: Emit, f: Firing): Promise<TimerRef[]> {
  const now = new Date();
  const isDue = f.dueAt.getTime() <= now.getTime();
  // A warning that comes late (the hub was down) is a breach by now; an early breach timer (the
  // due time moved) waits for the due time.
  if (!isDue && (f.action.phase === 'breach' || f.request.slaMarks[`${f.markPrefix}.warned`])) {
    return [await TimerService.set(tx, f.key, { ...f.action, phase: 'breach' }, f.dueAt)];
  }
  const what = isDue ? 'breached' : 'warned';
  const { calendar } = await slaFactsOf(tx, f.request.id);
  const budget = businessMsBetween(f.request.createdAt, f.dueAt, calendar) - f.request.slaPausedMs;
  const used = businessMsBetween(f.request.createdAt, now, calendar) - f.request.slaPausedMs;
  const usedRatio = isDue ? 1 : Math.round(Math.min(1, Math.max(WARN_RATIO, used / Math.max(budget, 1))) * 100) / 100;
  const label = f.clock.replace('_', '-');
  const body = isDue ? `${label} time exceeded` : `${label} time ${Math.round(usedRatio * 100)}% used`;

  const priorityFrom = f.order?.priority ?? f.request.priority;
  const priorityTo = escalatePriority(priorityFrom);
  let order = f.order;
  if (order && priorityTo !== order.priority) {
    [order] = (await tx.update(serviceOrders).set({ priority: priorityTo, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceOrders.id, order.id)).returning()) as [OrderRow];
    emit({ type: 'order.updated', data: { order: toOrderSummary(order), changed: ['priority'] } });
  }
  const requestPriority = order ? f.request.priority : priorityTo;
  const [request] = await tx.update(serviceRequests).set({
    priority: requestPriority,
    slaMarks: sql`${serviceRequests.slaMarks} || ${JSON.stringify({ [`${f.markPrefix}.${what}`]: now.toISOString() })}::jsonb`,
    ...(requestPriority !== f.request.priority ? { version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()` } : {}),
  }).where(eq(serviceRequests.id, f.request.id)).returning();
  const entries = await tx.insert(timelineEntries).values([
    { requestId: f.request.id, kind: 'sla' as const, actorType: 'system', body, data: { clock: f.clock, event: what, dueAt: f.dueAt.toISOString(), usedRatio, ...(order ? { orderId: order.id } : {}) } },
    ...(priorityTo !== priorityFrom ? [{ requestId: f.request.id, kind: 'priority_changed' as const, actorType: 'system', body: `escalated: ${body}`, data: { from: priorityFrom, to: priorityTo, ...(order ? { orderId: order.id } : {}) } }] : []),
  ]).returning();
  const data = { request: toRequestSummary(request!), clock: f.clock, dueAt: f.dueAt.toISOString(), ...(order ? { order: toOrderSummary(order) } : {}) };
  if (isDue) emit({ type: 'sla.breached', data });
  else emit({ type: 'sla.warned', data: { ...data, usedRatio } });
  if (requestPriority !== f.request.priority) emit({ type: 'request.updated', data: { request: toRequestSummary(request!), changed: ['priority'] } });
  for (const e of entries) emit({ type: 'request.timeline_added', data: toTimelineView(e) });
  return isDue ? [] : [await TimerService.set(tx, f.key, { ...f.action, phase: 'breach' }, f.dueAt)];
}
