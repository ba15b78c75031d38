import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  assets, contracts, customers, maintenancePlans, maintenanceSchedules, maintenanceVisits, routingRules, serviceOrders,
  serviceRequests, sites, teams, timelineEntries,
} from '../../db/schema/index.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { decideWarranty, isoDay } from '../identify/warranty.js';
import { createServiceOrder } from '../orders/create.js';
import { appendPlannedLines } from '../orders/estimate.js';
import type { Emit } from '../orders/lifecycle.js';
import { toOrderSummary } from '../orders/summary.js';
import { ACTIVE_ORDER_STATUSES } from '../orders/transitions.js';
import type { Logger } from '../platform/logger.js';
import { toRequestSummary, toTimelineView } from '../requests/summary.js';
import { routeRequest } from '../routing/route.js';
import { ALWAYS_OPEN, zonedInstant } from '../sla/business-hours.js';
import { isDueForOrder, nextScheduledDue } from './interval.js';

type Plan = typeof maintenancePlans.$inferSelect;
type Schedule = typeof maintenanceSchedules.$inferSelect;
export interface GenerateResult { created: number; bundled: number; skipped: number; failed: number }

/**
 * Makes the preventive orders that plans call for. Safe to run on every hub at once: each
 * visit is one row under a unique (plan, asset, due date) index, inserted first in the same
 * transaction that creates the order and advances the schedule, so a second hub's insert waits
 * for the first and then finds the visit taken.
 */
export async function generateMaintenance(db: Db, bus: EventBus, log: Logger, today = isoDay(new Date())): Promise<GenerateResult> {
  await ensureSchedules(db);
  const due = await db.select({ plan: maintenancePlans, schedule: maintenanceSchedules }).from(maintenanceSchedules)
    .innerJoin(maintenancePlans, eq(maintenancePlans.id, maintenanceSchedules.planId))
    .where(and(eq(maintenancePlans.isActive, true), isNotNull(maintenanceSchedules.nextDueDate),
      sql`${maintenanceSchedules.nextDueDate} - ${maintenancePlans.leadTimeDays} <= ${today}::date`))
    .orderBy(maintenanceSchedules.nextDueDate).limit(1000);
  const result: GenerateResult = { created: 0, bundled: 0, skipped: 0, failed: 0 };
  for (const { plan, schedule } of due) {
    if (!isDueForOrder(schedule.nextDueDate!, plan.leadTimeDays, today)) continue;
    try {
      const outcome = await commitWithEvents(db, bus, (tx, emit) => generateVisit(tx, emit, plan, schedule, today));
      result[outcome]++;
    } catch (err) {
      // One broken plan must not hold up the others; it is tried again on the next run.
      result.failed++;
      log.error({ err, planId: plan.id, assetId: schedule.assetId }, 'maintenance visit not generated');
    }
  }
  if (result.created || result.bundled || result.failed) log.info({ ...result, today }, 'preventive maintenance generated');
  return result;
}

/** Every active plan has a schedule per asset it covers (a model plan: each unit of the model, also ones added later). */
async function ensureSchedules(db: Db) {
  const plans = await db.select().from(maintenancePlans).where(eq(maintenancePlans.isActive, true));
  const rows: Array<typeof maintenanceSchedules.$inferInsert> = [];
  for (const p of plans.filter((x) => x.assetId)) rows.push({ planId: p.id, assetId: p.assetId!, nextDueDate: p.firstDueDate });
  const byModel = plans.filter((x) => x.modelId);
  if (byModel.length) {
    const units = await db.select({ id: assets.id, modelId: assets.modelId }).from(assets)
      .where(and(inArray(assets.modelId, byModel.map((p) => p.modelId!)), eq(assets.isRetired, false)));
    for (const p of byModel) for (const u of units.filter((x) => x.modelId === p.modelId)) rows.push({ planId: p.id, assetId: u.id, nextDueDate: p.firstDueDate });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(maintenanceSchedules).values(rows.slice(i, i + 500)).onConflictDoNothing();
}

async function generateVisit(tx: Tx, emit: Emit, plan: Plan, read: Schedule, today: string): Promise<'created' | 'bundled' | 'skipped'> {
  const [schedule] = await tx.select().from(maintenanceSchedules)
    .where(and(eq(maintenanceSchedules.planId, plan.id), eq(maintenanceSchedules.assetId, read.assetId))).for('update');
  const dueDate = read.nextDueDate!;
  if (!schedule || schedule.nextDueDate !== dueDate) return 'skipped';
  const [visit] = await tx.insert(maintenanceVisits).values({ planId: plan.id, assetId: read.assetId, dueDate }).onConflictDoNothing().returning();
  if (!visit) return 'skipped';
  const outcome = (await bundleIntoCorrective(tx, emit, plan, visit)) ? 'bundled' : 'created';
  if (outcome === 'created') await openPreventiveOrder(tx, emit, plan, visit);
  // Completion-anchored plans wait for the visit to be completed (hub/maintenance/completion.ts).
  const nextDueDate = plan.anchor === 'scheduled' ? nextScheduledDue(plan.firstDueDate, { count: plan.intervalCount, unit: plan.intervalUnit }, dueDate, today) : null;
  await tx.update(maintenanceSchedules).set({ nextDueDate, updatedAt: sql`now()` })
    .where(and(eq(maintenanceSchedules.planId, plan.id), eq(maintenanceSchedules.assetId, read.assetId)));
  return outcome;
}

type Visit = typeof maintenanceVisits.$inferSelect;

/** One visit for both: an open corrective order of the asset takes the maintenance along. */
async function bundleIntoCorrective(tx: Tx, emit: Emit, plan: Plan, visit: Visit): Promise<boolean> {
  const [open] = await tx.select({ order: serviceOrders }).from(serviceOrders)
    .innerJoin(serviceRequests, eq(serviceRequests.id, serviceOrders.requestId))
    .where(and(eq(serviceRequests.assetId, visit.assetId), eq(serviceOrders.kind, 'corrective'), inArray(serviceOrders.status, ACTIVE_ORDER_STATUSES)))
    .orderBy(desc(serviceOrders.createdAt)).limit(1).for('update', { of: serviceOrders });
  if (!open) return false;
  const note = `Preventive maintenance "${plan.name}" (due ${visit.dueDate}) bundled into this visit.${plan.description ? ` ${plan.description}` : ''}`;
  const [row] = await tx.update(serviceOrders).set({
    description: open.order.description ? `${open.order.description}\n\n${note}` : note, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()`,
  }).where(eq(serviceOrders.id, open.order.id)).returning();
  if (plan.templateId) await appendPlannedLines(tx, row!, plan.templateId);
  await tx.update(maintenanceVisits).set({ orderId: row!.id, isBundled: true }).where(eq(maintenanceVisits.id, visit.id));
  const summary = toOrderSummary(row!);
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: row!.requestId, kind: 'order', actorType: 'system', body: `${summary.number}: ${note}`,
    data: { orderId: row!.id, number: summary.number, event: 'maintenance_bundled', planId: plan.id, dueDate: visit.dueDate },
  }).returning();
  emit({ type: 'order.updated', data: { order: summary, changed: ['description'] } });
  emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
  return true;
}

/**
 * A time-based request and its preventive order. DESIGN.md's channels are the four intake
 * channels; a plan is none of them, so the request is recorded as 'web' with
 * data.trigger = maintenance_plan on its first timeline entry.
 */
async function openPreventiveOrder(tx: Tx, emit: Emit, plan: Plan, visit: Visit) {
  const [a] = await tx.select({ asset: assets, site: sites, customer: customers, contract: contracts }).from(assets)
    .innerJoin(customers, eq(customers.id, assets.customerId)).leftJoin(sites, eq(sites.id, assets.siteId))
    .leftJoin(contracts, eq(contracts.id, assets.contractId)).where(eq(assets.id, visit.assetId));
  if (!a) throw new Error(`asset ${visit.assetId} vanished`);
  const team = await teamFor(tx, a.site?.region ?? a.customer.region);
  const warranty = decideWarranty({ warrantyUntil: a.asset.warrantyUntil, contract: a.contract }, visit.dueDate);
  const [request] = await tx.insert(serviceRequests).values({
    type: 'request', channel: 'web', priority: plan.priority, subject: `Preventive maintenance: ${plan.name}`,
    description: plan.description, customerId: a.customer.id, assetId: a.asset.id, contractId: a.contract?.id ?? null, warranty,
    teamId: team?.id ?? null, customFields: { maintenancePlanId: plan.id, maintenanceDueDate: visit.dueDate },
  }).returning();
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: request!.id, kind: 'created', actorType: 'system', body: `Due ${visit.dueDate} by plan "${plan.name}"`,
    data: { trigger: 'maintenance_plan', planId: plan.id, dueDate: visit.dueDate },
  }).returning();
  emit({ type: 'request.created', data: toRequestSummary(request!) });
  emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
  const cal = team?.calendar ?? ALWAYS_OPEN;
  const order = await createServiceOrder(tx, {
    requestId: request!.id, kind: 'preventive', priority: plan.priority, requiredSkill: plan.requiredSkill,
    description: plan.description || plan.name, dueAt: zonedInstant(visit.dueDate, cal.close, cal.timeZone), actor: { type: 'system' },
  }, emit);
  if (plan.templateId) await appendPlannedLines(tx, order, plan.templateId);
  await tx.update(maintenanceVisits).set({ orderId: order.id }).where(eq(maintenanceVisits.id, visit.id));
}

async function teamFor(tx: Tx, region: string | null) {
  const rules = await tx.select().from(routingRules);
  const [fallback] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.isDefault, true));
  const decision = routeRequest(rules, { channel: 'web', type: 'request', categoryId: null, faultCode: null, region }, fallback?.id ?? null);
  if (decision.kind === 'unrouted') return null;
  const [team] = await tx.select().from(teams).where(eq(teams.id, decision.teamId));
  return team ?? null;
}
