import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents, serviceOrders, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { addBusinessHours } from '../sla/business-hours.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { SLA, WEEKDAYS_BERLIN, makeAsset, makeContract, makeCustomer, makeTeam } from '../../test/support/factories.js';
import { createServiceOrder } from './create.js';

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
});
