import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmOccurrences, alarms, intakeReceipts } from '../../db/schema/index.js';
import { makeAsset } from '../../test/support/factories.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { pruneAlarmHistory } from './retention.js';

const DAY = 86_400_000;

describe.each(DRIVERS)('alarm retention on %s', (driver) => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub(driver); });
  afterAll(async () => { await t?.close(); });

  it('prunes old history of cleared alarms and old MQTT receipts, never an open alarm\'s history', async () => {
    const asset = await makeAsset(t.hub.db);
    const old = new Date(Date.now() - 100 * DAY);
    const recent = new Date(Date.now() - DAY);
    const alarm = (state: 'active' | 'cleared', faultCode: string) => ({
      assetId: asset.id, faultCode, state, severity: 'major' as const, count: 2, firstSeenAt: old, lastSeenAt: recent, stateChangedAt: recent,
    });
    const [cleared, open] = await t.hub.db.insert(alarms).values([alarm('cleared', 'E101'), alarm('active', 'E102')]).returning();
    await t.hub.db.insert(alarmOccurrences).values([
      { alarmId: cleared!.id, bucket: old, raises: 1 }, { alarmId: cleared!.id, bucket: recent, raises: 1 },
      { alarmId: open!.id, bucket: old, raises: 1 }, { alarmId: open!.id, bucket: recent, raises: 1 },
    ]);
    await t.hub.db.insert(intakeReceipts).values([
      { channel: 'mqtt', sourceKey: `${asset.id}:old`, outcome: 'alarm', receivedAt: old },
      { channel: 'mqtt', sourceKey: `${asset.id}:new`, outcome: 'alarm', receivedAt: recent },
    ]);

    const n = await pruneAlarmHistory(t.hub.db, new Date(Date.now() - 90 * DAY));
    expect(n.buckets).toBe(1);
    expect(n.receipts).toBeGreaterThanOrEqual(1);
    const left = async (id: string) => (await t.hub.db.select().from(alarmOccurrences).where(eq(alarmOccurrences.alarmId, id))).length;
    expect(await left(cleared!.id)).toBe(1);
    expect(await left(open!.id)).toBe(2);
    const receipts = (await t.hub.db.select().from(intakeReceipts)).map((r) => r.sourceKey).filter((k) => k.startsWith(asset.id));
    expect(receipts).toEqual([`${asset.id}:new`]);
  });
});
