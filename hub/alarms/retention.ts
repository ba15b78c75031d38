import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { alarmOccurrences, alarms, intakeReceipts } from '../../db/schema/index.js';

/**
 * Retention for the alarm channel: minute buckets older than `before` of alarms that are
 * cleared (an open case keeps its whole history), and MQTT receipts older than `before`
 * (a redelivery that late is treated as a new message).
 */
export async function pruneAlarmHistory(db: DbOrTx, before: Date): Promise<{ buckets: number; receipts: number }> {
  const buckets = await db.delete(alarmOccurrences).where(and(
    lt(alarmOccurrences.bucket, before),
    inArray(alarmOccurrences.alarmId, db.select({ id: alarms.id }).from(alarms).where(eq(alarms.state, 'cleared'))),
  )).returning({ alarmId: alarmOccurrences.alarmId });
  const receipts = await db.delete(intakeReceipts)
    .where(and(eq(intakeReceipts.channel, 'mqtt'), lt(intakeReceipts.receivedAt, before), sql`${intakeReceipts.requestId} is null`))
    .returning({ id: intakeReceipts.id });
  return { buckets: buckets.length, receipts: receipts.length };
}
