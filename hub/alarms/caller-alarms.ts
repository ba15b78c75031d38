import { and, asc, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { alarms, assets } from '../../db/schema/index.js';
import type { ActiveAlarmsLookup } from '../calls/caller.js';

const MAX_ALARMS = 50;

/**
 * The call pop-up's active alarms: every alarm not yet cleared on the caller's units or their
 * customer's, most severe first (the enum lists critical first), then the most recent.
 */
export const activeAlarmsOfCaller: ActiveAlarmsLookup = async (db, q) => {
  const rows = await db.select({
    id: alarms.id, assetId: alarms.assetId, code: alarms.faultCode, severity: alarms.severity, message: alarms.message,
    raisedAt: alarms.firstSeenAt, occurrences: alarms.count,
  }).from(alarms).innerJoin(assets, eq(assets.id, alarms.assetId))
    .where(and(ne(alarms.state, 'cleared'), or(
      eq(assets.customerId, q.customerId),
      q.assetIds.length ? inArray(alarms.assetId, q.assetIds) : sql`false`,
    )))
    .orderBy(asc(alarms.severity), desc(alarms.lastSeenAt)).limit(MAX_ALARMS);
  return rows.map((r) => ({ ...r, raisedAt: r.raisedAt.toISOString() }));
};
