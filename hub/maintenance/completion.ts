import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { maintenancePlans, maintenanceSchedules, maintenanceVisits } from '../../db/schema/index.js';
import { isoDay } from '../identify/warranty.js';
import { nextCompletionDue } from './interval.js';

/**
 * An order carrying maintenance visits was completed (or cancelled): the visits are done, and
 * a completion-anchored plan counts its next due date from today. A cancelled visit did not
 * happen; its plan starts counting again from the cancel day rather than stopping for good.
 */
export async function onMaintenanceOrderEnded(tx: Tx, orderId: string, now = new Date()) {
  const visits = await tx.select({ visit: maintenanceVisits, plan: maintenancePlans }).from(maintenanceVisits)
    .innerJoin(maintenancePlans, eq(maintenancePlans.id, maintenanceVisits.planId))
    .where(and(eq(maintenanceVisits.orderId, orderId), isNull(maintenanceVisits.completedAt)));
  for (const { visit, plan } of visits) {
    await tx.update(maintenanceVisits).set({ completedAt: now }).where(eq(maintenanceVisits.id, visit.id));
    if (plan.anchor !== 'completion') continue;
    await tx.update(maintenanceSchedules)
      .set({ nextDueDate: nextCompletionDue(isoDay(now), { count: plan.intervalCount, unit: plan.intervalUnit }), updatedAt: sql`now()` })
      .where(and(eq(maintenanceSchedules.planId, plan.id), eq(maintenanceSchedules.assetId, visit.assetId), isNull(maintenanceSchedules.nextDueDate)));
  }
}
