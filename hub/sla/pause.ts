import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import type { Tx } from '../../db/client.js';
import { serviceOrders, serviceRequests, timers } from '../../db/schema/index.js';
import { TimerAction } from '../contracts/jobs.js';
import type { RequestStatus } from '../contracts/model.js';
import type { RequestRow } from '../requests/summary.js';
import { ACTIVE_ORDER_STATUSES } from '../orders/transitions.js';
import { TimerService } from '../timers/timers.js';
import { resumeShift } from './clock.js';
import { firstTimer, slaFactsOf, slaKey } from './engine.js';

/** While a request waits for the customer or is suspended, its SLA clocks stand still. */
export const PAUSING: RequestStatus[] = ['waiting_customer', 'suspended'];
const ENDED: RequestStatus[] = ['resolved', 'closed', 'closed_unresolved'];

type RequestSet = Partial<typeof serviceRequests.$inferInsert>;

/**
 * The SLA side of a request status change, in the caller's transaction: entering a pausing
 * status notes when; leaving it moves every running deadline (the request's due times, its
 * orders' on-site times and their timers) by the business time the pause took.
 */
export async function slaOnStatusChange(tx: Tx, cur: RequestRow, to: RequestStatus, now = new Date()): Promise<RequestSet> {
  if (ENDED.includes(cur.status) && !ENDED.includes(to)) await slaOnReopen(tx, cur);
  const isPausing = PAUSING.includes(to);
  if (isPausing && !cur.slaPausedAt) return { slaPausedAt: now };
  if (isPausing || !cur.slaPausedAt) return {};
  const { calendar } = await slaFactsOf(tx, cur.id);
  const { pausedMs, shift } = resumeShift(cur.slaPausedAt, now, calendar);
  const set: RequestSet = { slaPausedAt: null, slaPausedMs: cur.slaPausedMs + pausedMs };
  if (pausedMs === 0 || ENDED.includes(to)) return set;
  if (cur.responseDueAt && !cur.firstRespondedAt) set.responseDueAt = shift(cur.responseDueAt);
  if (cur.resolutionDueAt) set.resolutionDueAt = shift(cur.resolutionDueAt);
  const keys = [];
  if (!cur.firstRespondedAt && !cur.slaMarks['response.breached']) keys.push(slaKey.response(cur.id));
  if (!cur.slaMarks['resolution.breached']) keys.push(slaKey.resolution(cur.id));
  const orders = await tx.select({ id: serviceOrders.id, onSiteDueAt: serviceOrders.onSiteDueAt }).from(serviceOrders)
    .where(and(eq(serviceOrders.requestId, cur.id), isNotNull(serviceOrders.onSiteDueAt), inArray(serviceOrders.status, ACTIVE_ORDER_STATUSES)));
  for (const o of orders) {
    await tx.update(serviceOrders).set({ onSiteDueAt: shift(o.onSiteDueAt!) }).where(eq(serviceOrders.id, o.id));
    if (!cur.slaMarks[`on_site:${o.id}.breached`]) keys.push(slaKey.onSite(o.id));
  }
  await moveTimers(tx, keys, shift);
  return set;
}

/** A timer that fired during the pause (and did nothing) runs again from its shifted time. */
async function moveTimers(tx: Tx, keys: string[], shift: (d: Date) => Date) {
  if (!keys.length) return;
  const rows = await tx.select().from(timers).where(anyOf(timers.key, keys, 'text'));
  await TimerService.setMany(tx, rows.map((t) => ({ key: t.key, action: TimerAction.parse(t.payload), runAt: shift(t.runAt) })));
}

/**
 * A resolved or closed request is open again (a customer's reply, a flapping alarm, an agent):
 * its clocks run on from where they stood. The timers fired while it was done and did nothing,
 * so each clock not yet breached gets its timer back: at the warning point if that is still
 * ahead, else now (a clock past its due time breaches at once, one past 80 % warns).
 */
export async function slaOnReopen(tx: Tx, cur: Pick<RequestRow, 'id' | 'createdAt' | 'firstRespondedAt' | 'responseDueAt' | 'resolutionDueAt' | 'slaMarks'>): Promise<void> {
  const clocks = [
    { due: cur.resolutionDueAt, key: slaKey.resolution(cur.id), action: { kind: 'sla.resolution' as const, requestId: cur.id, phase: 'warn' as const }, mark: 'resolution' },
    ...(cur.firstRespondedAt ? [] : [{ due: cur.responseDueAt, key: slaKey.response(cur.id), action: { kind: 'sla.response' as const, requestId: cur.id, phase: 'warn' as const }, mark: 'response' }]),
  ].filter((c) => c.due && !cur.slaMarks[`${c.mark}.breached`]);
  if (!clocks.length) return;
  const { calendar } = await slaFactsOf(tx, cur.id);
  await TimerService.setMany(tx, clocks.map((c) => firstTimer(c.key, c.action, cur.createdAt, c.due!, calendar)));
}
