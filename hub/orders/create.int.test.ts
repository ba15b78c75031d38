import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents, serviceOrders, serviceRequests, timelineEntries, timers } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { ALWAYS_OPEN, DEFAULT_SLA, addBusinessHours } from '../sla/business-hours.js';
import { slaKey } from '../sla/engine.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { SLA, WEEKDAYS_BERLIN, makeAsset, makeContract, makeCustomer, makeTeam } from '../../test/support/factories.js';
import { createServiceOrder, createServiceOrders } from './create.js';

describe.each(DRIVERS)('creating a service order on %s', (driver) => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub(driver); });
  afterAll(async () => { await t?.close(); });

  it('writes the order, a timeline entry and order.created, due by the contract in the team calendar', async () => {
    const customer = await makeCustomer(t.hub.db);
    const contract = await makeContract(t.hub.db, customer.id);
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, contractId: contract.id });
    const team = await makeTeam(t.hub.db, { isDefault: false });
    const intake = await t.hub.pipeline.submit({
      channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Verdichter läuft nicht an', assetId: asset.id,
    });
    await t.hub.db.update(serviceRequests).set({ teamId: team.id }).where(eq(serviceRequests.id, intake.requestId!));
    const published: LoggedEvent[] = [];
    const off = t.hub.bus.subscribe((evs) => published.push(...evs));
    const before = new Date();

    const order = await commitWithEvents(t.hub.db, t.hub.bus, (tx, emit) => createServiceOrder(tx, {
      requestId: intake.requestId!, kind: 'corrective', priority: 'high', requiredSkill: 'refrigeration',
      description: 'E101 compressor overcurrent', actor: { type: 'system' },
    }, emit));
    off();

    const [row] = await t.hub.db.select().from(serviceOrders).where(eq(serviceOrders.id, order.id));
    expect(row).toMatchObject({ status: 'new', kind: 'corrective', priority: 'high', requiredSkill: 'refrigeration' });
    // High priority on the contract: 8 business hours in Berlin's weekday calendar, from about now.
    const expected = addBusinessHours(before, SLA.high.resolutionHours, WEEKDAYS_BERLIN).getTime();
    expect(Math.abs(row!.dueAt!.getTime() - expected)).toBeLessThan(60_000);
    const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, intake.requestId!));
    expect(entries.find((e) => e.kind === 'order')).toMatchObject({ actorType: 'system', data: { orderId: order.id, event: 'created' } });
    expect(published.map((e) => e.type)).toEqual(['order.created', 'request.timeline_added']);
    expect(published[0]!.rooms).toEqual(['dispatch', `request:${intake.requestId}`]);
    const logged = await t.hub.db.select().from(domainEvents).where(eq(domainEvents.seq, published[0]!.seq));
    expect(logged[0]!.payload).toMatchObject({ id: order.id, number: expect.stringMatching(/^WO-\d{6}$/) });
  });

  it('opens many orders at once, each due by its own request\'s contract and calendar, in the order asked', async () => {
    const customer = await makeCustomer(t.hub.db);
    const contract = await makeContract(t.hub.db, customer.id);
    const covered = await makeAsset(t.hub.db, { customerId: customer.id, contractId: contract.id });
    const bare = await makeAsset(t.hub.db);
    const team = await makeTeam(t.hub.db, { isDefault: false });
    const open = async (assetId: string) => (await t.hub.pipeline.submit({
      channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Wärmepumpe Störung', assetId, isForcedNew: true,
    })).requestId!;
    const onContract = await open(covered.id);
    const withoutContract = await open(bare.id);
    await t.hub.db.update(serviceRequests).set({ teamId: team.id }).where(eq(serviceRequests.id, onContract));
    const published: LoggedEvent[] = [];
    const off = t.hub.bus.subscribe((evs) => published.push(...evs));
    const before = new Date();

    const orders = await commitWithEvents(t.hub.db, t.hub.bus, (tx, emit) => createServiceOrders(tx, [
      { requestId: onContract, kind: 'corrective', priority: 'high', requiredSkill: 'electrical', actor: { type: 'system', id: 'order-rule:a' } },
      { requestId: withoutContract, kind: 'corrective', priority: 'normal', actor: { type: 'user', id: 'agent-1' } },
      { requestId: onContract, kind: 'preventive', priority: 'low', dueAt: null, description: 'Wartung', actor: { type: 'system' } },
    ], emit));
    off();

    expect(orders.map((o) => [o.requestId, o.kind, o.priority])).toEqual([
      [onContract, 'corrective', 'high'], [withoutContract, 'corrective', 'normal'], [onContract, 'preventive', 'low'],
    ]);
    expect(new Set(orders.map((o) => o.number)).size).toBe(3);
    // the contract's SLA in the team's weekday calendar; no contract and no team: the house standard, always open
    const near = (d: Date | null, expected: Date) => Math.abs(d!.getTime() - expected.getTime()) < 60_000;
    expect(near(orders[0]!.dueAt, addBusinessHours(before, SLA.high.resolutionHours, WEEKDAYS_BERLIN))).toBe(true);
    expect(near(orders[1]!.dueAt, addBusinessHours(before, DEFAULT_SLA.normal.resolutionHours, ALWAYS_OPEN))).toBe(true);
    expect(orders[2]!.dueAt).toBeNull();
    // only corrective work races an on-site clock
    expect(orders.map((o) => o.onSiteDueAt === null)).toEqual([false, false, true]);
    const armed = await t.hub.db.select().from(timers).where(inArray(timers.key, orders.map((o) => slaKey.onSite(o.id))));
    expect(armed.map((r) => r.key).sort()).toEqual([slaKey.onSite(orders[0]!.id), slaKey.onSite(orders[1]!.id)].sort());

    const entries = await t.hub.db.select().from(timelineEntries).where(inArray(timelineEntries.requestId, [onContract, withoutContract]));
    const orderEntries = entries.filter((e) => e.kind === 'order');
    expect(orderEntries.map((e) => [e.requestId, e.actorType, e.actorId, (e.data as { orderId: string }).orderId]).sort()).toEqual([
      [onContract, 'system', 'order-rule:a', orders[0]!.id], [withoutContract, 'user', 'agent-1', orders[1]!.id], [onContract, 'system', null, orders[2]!.id],
    ].sort());
    // per order: order.created, then its timeline entry
    expect(published.map((e) => [e.type, e.type === 'order.created' ? (e.data as { id: string }).id : (e.data as unknown as { data: { orderId: string } }).data.orderId]))
      .toEqual(orders.flatMap((o) => [['order.created', o.id], ['request.timeline_added', o.id]]));
  });

  it('opens nothing for an empty list, and refuses an order for a request that does not exist', async () => {
    expect(await commitWithEvents(t.hub.db, t.hub.bus, (tx, emit) => createServiceOrders(tx, [], emit))).toEqual([]);
    await expect(commitWithEvents(t.hub.db, t.hub.bus, (tx, emit) => createServiceOrders(tx, [
      { requestId: '00000000-0000-4000-8000-000000000000', kind: 'corrective', priority: 'high', actor: { type: 'system' } },
    ], emit))).rejects.toThrow(/request/);
  });
});
