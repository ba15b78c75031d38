import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alarmOccurrences, alarms, deadLetters, devices, faultCodes, orderRules, serviceOrders, serviceRequests, timelineEntries,
} from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import type { Severity } from '../contracts/model.js';
import { hashToken } from '../auth/tokens.js';
import { makeAsset } from '../../test/support/factories.js';
import { DRIVERS, startTestHub, type ApiResponse, type TestHub } from '../../test/support/test-hub.js';
import { lockAlarmKeys } from './record-batch.js';
import { toAlarmSummary } from './summary.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

describe.each(DRIVERS)('alarm lifecycle on %s', (driver) => {
  let t: TestHub;
  const published: LoggedEvent[] = [];

  beforeAll(async () => {
    t = await startTestHub(driver, { env: { ALARM_FLAP_WINDOW_SECONDS: '300' } });
    t.hub.bus.subscribe((events) => { published.push(...events); });
    await t.hub.db.insert(faultCodes).values([
      { code: 'E101', description: 'compressor overcurrent', defaultSeverity: 'major', requiredSkill: 'electrical' },
      { code: 'E205', description: 'refrigerant low pressure', defaultSeverity: 'minor', requiredSkill: 'refrigeration' },
      { code: 'W900', description: 'filter dirty', defaultSeverity: 'warning' },
    ]).onConflictDoNothing();
  });
  afterAll(async () => { await t?.close(); });

  const newDevice = async () => {
    const asset = await makeAsset(t.hub.db);
    const [d] = await t.hub.db.insert(devices).values({ assetId: asset.id, tokenHash: hashToken(randomUUID()) }).returning();
    return { asset, deviceId: d!.id };
  };
  const send = (deviceId: string, m: { code: string; state?: 'raised' | 'cleared'; severity?: Severity; at: Date; id?: string }) =>
    t.hub.alarms.submit({
      channel: 'mqtt', receivedAt: new Date(), actor: { type: 'device', id: deviceId }, type: 'alarm', subject: m.code,
      deviceId, faultCode: m.code, alarm: { state: m.state ?? 'raised', severity: m.severity, occurredAt: m.at, messageId: m.id },
    });
  const alarmsOf = (assetId: string, code: string) => t.hub.db.select().from(alarms)
    .where(and(eq(alarms.assetId, assetId), eq(alarms.faultCode, code))).orderBy(asc(alarms.createdAt));
  const alarmEntries = async (requestId: string) => (await t.hub.db.select().from(timelineEntries)
    .where(eq(timelineEntries.requestId, requestId)).orderBy(asc(timelineEntries.seq))).filter((e) => e.kind === 'alarm');

  it('a raise opens one alarm and one alarm request; repeats count without timeline rows; a clear closes it', async () => {
    const { asset, deviceId } = await newDevice();
    const first = await send(deviceId, { code: 'E101', at: at(0), id: 'm1' });
    expect(first.kind).toBe('recorded');
    // a storm of repeats, in one batch or several
    const repeats = await Promise.all(Array.from({ length: 40 }, (_, i) => send(deviceId, { code: 'E101', at: at(1 + i), id: `r${i}` })));
    expect(new Set(repeats.map((r) => r.kind === 'recorded' && r.alarmId))).toEqual(new Set([first.kind === 'recorded' && first.alarmId]));
    await send(deviceId, { code: 'E101', severity: 'critical', at: at(70), id: 'm-crit' });

    const [a, ...twins] = await alarmsOf(asset.id, 'E101');
    expect(twins).toHaveLength(0);
    expect(a).toMatchObject({ state: 'active', count: 42, severity: 'critical', isUnknownCode: false, deviceId, firstSeenAt: at(0), lastSeenAt: at(70) });
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, a!.requestId!));
    expect(req).toMatchObject({ type: 'alarm', channel: 'mqtt', priority: 'medium', assetId: asset.id });
    expect(req!.subject).toBe(`E101 compressor overcurrent · ${asset.serialNumber}`);
    expect(req!.resolutionDueAt).not.toBeNull();
    expect((await alarmEntries(req!.id)).map((e) => e.data.event)).toEqual(['raised']);
    const buckets = await t.hub.db.select().from(alarmOccurrences).where(eq(alarmOccurrences.alarmId, a!.id)).orderBy(asc(alarmOccurrences.bucket));
    expect(buckets.map((b) => [b.bucket.toISOString(), b.raises, b.maxSeverity])).toEqual([
      [at(0).toISOString(), 41, 'major'], [at(60).toISOString(), 1, 'critical'],
    ]);
    // repeats go as one alarm.repeated per batch, an entry per alarm, to the alarms room only
    const repeated = published.flatMap((e) => (e.type === 'alarm.repeated' ? [e] : []));
    const entries = repeated.flatMap((e) => e.data.alarms.filter((r) => r.id === a!.id));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(42);
    for (const e of repeated) expect(e.rooms).toEqual(['alarms']);
    expect(entries.at(-1)).toEqual({
      id: a!.id, requestId: req!.id, severity: 'critical', message: a!.message, count: 42,
      firstSeenAt: at(0).toISOString(), lastSeenAt: at(70).toISOString(), version: a!.version,
    });
    expect(published.filter((e) => e.type === 'alarm.raised' && e.data.alarm.id === a!.id)).toHaveLength(1);

    await send(deviceId, { code: 'E101', state: 'cleared', at: at(80), id: 'c1' });
    const [cleared] = await alarmsOf(asset.id, 'E101');
    expect(cleared).toMatchObject({ state: 'cleared', clearedAt: at(80), stateChangedAt: at(80), count: 42 });
    expect((await alarmEntries(req!.id)).map((e) => e.data.event)).toEqual(['raised', 'cleared']);
    expect(published.some((e) => e.type === 'alarm.cleared' && e.data.alarm.id === a!.id && e.rooms.includes(`request:${req!.id}`))).toBe(true);
    // the events tell the alarm as it is stored (the batch builds an updated row without reading it back)
    const last = published.flatMap((e) => (e.type === 'alarm.cleared' && e.data.alarm.id === a!.id ? [e.data.alarm] : [])).at(-1);
    expect(last).toEqual(toAlarmSummary(cleared!));
  });

  it('a raise within the flapping window reopens the alarm and its resolved request; later, it is a new alarm', async () => {
    const { asset, deviceId } = await newDevice();
    await send(deviceId, { code: 'E205', at: at(0) });
    await send(deviceId, { code: 'E205', state: 'cleared', at: at(10) });
    const [a] = await alarmsOf(asset.id, 'E205');
    await t.hub.db.update(serviceRequests).set({ status: 'resolved', resolvedAt: new Date() }).where(eq(serviceRequests.id, a!.requestId!));

    await send(deviceId, { code: 'E205', at: at(100) });
    const [again, ...none] = await alarmsOf(asset.id, 'E205');
    expect(none).toHaveLength(0);
    expect(again).toMatchObject({ id: a!.id, state: 'active', isFlapping: true, flapCount: 1, count: 2, clearedAt: null, stateChangedAt: at(100) });
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, a!.requestId!));
    expect(req!.status).toBe('in_progress');
    expect((await alarmEntries(req!.id)).map((e) => e.data.event)).toEqual(['raised', 'cleared', 'reopened']);

    await send(deviceId, { code: 'E205', state: 'cleared', at: at(110) });
    await send(deviceId, { code: 'E205', at: at(110 + 301) });
    const all = await alarmsOf(asset.id, 'E205');
    expect(all.map((x) => x.state)).toEqual(['cleared', 'active']);
    expect(all[1]!.requestId).not.toBe(a!.requestId);
    expect(all[1]!.isFlapping).toBe(false);
  });

  it('a redelivered message changes nothing; without an id a repeat is a repeat', async () => {
    const { asset, deviceId } = await newDevice();
    expect((await send(deviceId, { code: 'E101', at: at(0), id: 'same' })).kind).toBe('recorded');
    expect((await send(deviceId, { code: 'E101', at: at(0), id: 'same' })).kind).toBe('duplicate');
    const inOneBatch = await Promise.all([send(deviceId, { code: 'E101', at: at(5), id: 'twice' }), send(deviceId, { code: 'E101', at: at(5), id: 'twice' })]);
    expect(inOneBatch.map((r) => r.kind).sort()).toEqual(['duplicate', 'recorded']);
    await send(deviceId, { code: 'E101', at: at(9) });
    await send(deviceId, { code: 'E101', at: at(9) });
    const [a] = await alarmsOf(asset.id, 'E101');
    expect(a!.count).toBe(4);
  });

  it('state follows message time, not arrival order', async () => {
    const { asset, deviceId } = await newDevice();
    // the clear overtakes its raise: the alarm ends cleared, the raise is still counted and has a request
    await send(deviceId, { code: 'E101', state: 'cleared', at: at(20) });
    await send(deviceId, { code: 'E101', at: at(10) });
    const [a, ...none] = await alarmsOf(asset.id, 'E101');
    expect(none).toHaveLength(0);
    expect(a).toMatchObject({ state: 'cleared', count: 1, clearedAt: at(20), firstSeenAt: at(10) });
    expect(a!.requestId).not.toBeNull();

    // an older clear cannot clear a newer raise
    await send(deviceId, { code: 'W900', at: at(50) });
    await send(deviceId, { code: 'W900', state: 'cleared', at: at(40) });
    const [w] = await alarmsOf(asset.id, 'W900');
    expect(w).toMatchObject({ state: 'active', stateChangedAt: at(50), severity: 'warning' });

    // in one batch, out of order
    await Promise.all([
      send(deviceId, { code: 'E205', state: 'cleared', at: at(300) }),
      send(deviceId, { code: 'E205', at: at(200) }),
      send(deviceId, { code: 'E205', at: at(250) }),
    ]);
    const [e] = await alarmsOf(asset.id, 'E205');
    expect(e).toMatchObject({ state: 'cleared', count: 2, clearedAt: at(300) });
  });

  it('an unknown fault code still raises an alarm, marked unknown; an unknown device is a dead letter', async () => {
    const { asset, deviceId } = await newDevice();
    await send(deviceId, { code: 'X777', at: at(0) });
    const [a] = await alarmsOf(asset.id, 'X777');
    expect(a).toMatchObject({ isUnknownCode: true, faultCodeId: null, severity: 'major', state: 'active' });

    const ghost = randomUUID();
    const r = await send(ghost, { code: 'E101', at: at(0) });
    expect(r).toMatchObject({ kind: 'dead_letter', reason: 'unknown_device' });
    const rows = await t.hub.db.select().from(deadLetters).where(eq(deadLetters.reason, 'unknown_device'));
    expect(rows.some((d) => d.payload.includes(ghost))).toBe(true);
  });

  it.runIf(driver === 'postgres')('an acknowledgement waits for a batch that holds its alarm, so the batch cannot write over it', async () => {
    const { asset, deviceId } = await newDevice();
    const first = await send(deviceId, { code: 'E101', at: at(0), id: 'held-1' });
    if (first.kind !== 'recorded') throw new Error(`not recorded: ${first.kind}`);
    let ack: Promise<ApiResponse> | undefined;
    let isAnswered = false;
    await t.hub.db.transaction(async (tx) => {
      // what a batch (of this hub or another) holds from its read of the alarm until it commits
      await lockAlarmKeys(tx, [{ assetId: asset.id, faultCode: 'E101' }]);
      ack = t.request('POST', `/api/alarms/${first.alarmId}/ack`, { token: t.adminToken });
      void ack.finally(() => { isAnswered = true; });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(isAnswered).toBe(false);
    });
    expect((await ack!).status).toBe(200);
    await send(deviceId, { code: 'E101', at: at(5), id: 'held-2' });
    const [a] = await alarmsOf(asset.id, 'E101');
    expect(a).toMatchObject({ state: 'acknowledged', count: 2 });
    expect(a!.acknowledgedAt).not.toBeNull();
  });

  it('order rules open exactly one order per alarm once count, severity and window match', async () => {
    await t.hub.db.insert(orderRules).values({
      name: 'E1xx three in ten minutes', faultCode: 'E1', isPrefix: true, minSeverity: 'major', minOccurrences: 3, windowMinutes: 10, priority: 'high',
    });
    const { asset, deviceId } = await newDevice();
    await send(deviceId, { code: 'E101', at: at(0) });
    await send(deviceId, { code: 'E101', at: at(700) }); // 11+ minutes later: the first one is outside the window
    const [a] = await alarmsOf(asset.id, 'E101');
    const ordersOf = () => t.hub.db.select().from(serviceOrders).where(eq(serviceOrders.alarmId, a!.id));
    expect(await ordersOf()).toHaveLength(0);
    await send(deviceId, { code: 'E101', at: at(710) });
    expect(await ordersOf()).toHaveLength(0);
    await Promise.all(Array.from({ length: 10 }, (_, i) => send(deviceId, { code: 'E101', at: at(720 + i) })));
    const orders = await ordersOf();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ requestId: a!.requestId, priority: 'high', requiredSkill: 'electrical', kind: 'corrective' });
    expect(orders[0]!.dueAt).not.toBeNull();
    expect(orders[0]!.orderRuleId).not.toBeNull();

    // below the rule's severity: no order; an alarm with no rule still has its request
    const other = await newDevice();
    await Promise.all(Array.from({ length: 5 }, (_, i) => send(other.deviceId, { code: 'E101', severity: 'minor', at: at(i) })));
    const [minor] = await alarmsOf(other.asset.id, 'E101');
    expect(await t.hub.db.select().from(serviceOrders).where(eq(serviceOrders.alarmId, minor!.id))).toHaveLength(0);
    expect(minor!.requestId).not.toBeNull();
  });
});
