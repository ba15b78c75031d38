import { eq } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import type { DbOrTx } from '../../db/client.js';
import { contracts, serviceRequests, teams } from '../../db/schema/index.js';
import type { TimerAction } from '../contracts/jobs.js';
import type { BusinessCalendar, Priority, SlaTable } from '../contracts/model.js';
import { NotFound } from '../platform/errors.js';
import { ALWAYS_OPEN, DEFAULT_SLA, addBusinessHours } from './business-hours.js';
import { warnAt } from './clock.js';

// One SLA engine for every channel: the intake (response, resolution) and orders (on site)
// take their due times and timers from here; hub/sla/breach.ts handles them when they fire.

export const slaKey = {
  response: (requestId: string) => `sla:response:${requestId}`,
  resolution: (requestId: string) => `sla:resolution:${requestId}`,
  onSite: (orderId: string) => `sla:on_site:${orderId}`,
};

export interface SlaFacts { sla: SlaTable; calendar: BusinessCalendar }

/** The request's contract SLA (else the house standard) and its team's business hours (else always open). */
export async function slaFactsOf(tx: DbOrTx, requestId: string): Promise<SlaFacts & { pausedAt: Date | null }> {
  const f = (await slaFactsOfMany(tx, [requestId])).get(requestId);
  if (!f) throw new NotFound('request', requestId);
  return f;
}

/** slaFactsOf for many requests in one statement (a request that does not exist is not in the map). */
export async function slaFactsOfMany(tx: DbOrTx, requestIds: readonly string[]): Promise<Map<string, SlaFacts & { pausedAt: Date | null }>> {
  const rows = await tx.select({ id: serviceRequests.id, sla: contracts.sla, calendar: teams.calendar, pausedAt: serviceRequests.slaPausedAt })
    .from(serviceRequests)
    .leftJoin(contracts, eq(contracts.id, serviceRequests.contractId))
    .leftJoin(teams, eq(teams.id, serviceRequests.teamId))
    .where(anyOf(serviceRequests.id, [...new Set(requestIds)], 'uuid'));
  return new Map(rows.map((r) => [r.id, { sla: r.sla ?? DEFAULT_SLA, calendar: r.calendar ?? ALWAYS_OPEN, pausedAt: r.pausedAt }]));
}

/** On-site time: the contract's, else the house standard's, never later than resolution. */
export function onSiteHours(sla: SlaTable, priority: Priority): number {
  const t = sla[priority];
  return Math.min(t.onSiteHours ?? DEFAULT_SLA[priority].onSiteHours!, t.resolutionHours);
}

export function orderClocks(f: SlaFacts, priority: Priority, from: Date) {
  return {
    dueAt: addBusinessHours(from, f.sla[priority].resolutionHours, f.calendar),
    onSiteDueAt: addBusinessHours(from, onSiteHours(f.sla, priority), f.calendar),
  };
}

/** A clock's timer starts in its warning phase (80% of the budget); the warning re-sets it to the due time. */
export function firstTimer(key: string, action: TimerAction, start: Date, due: Date, cal: BusinessCalendar) {
  return { key, action: { ...action, phase: 'warn' as const }, runAt: warnAt(start, due, cal) };
}

export function requestTimers(requestId: string, start: Date, due: { responseDueAt: Date; resolutionDueAt: Date }, cal: BusinessCalendar) {
  return [
    firstTimer(slaKey.response(requestId), { kind: 'sla.response', requestId, phase: 'warn' }, start, due.responseDueAt, cal),
    firstTimer(slaKey.resolution(requestId), { kind: 'sla.resolution', requestId, phase: 'warn' }, start, due.resolutionDueAt, cal),
  ];
}
