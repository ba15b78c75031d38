import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceOrders } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { makeAsset, makeCustomer, makeSite, WEEKDAYS_BERLIN } from '../../test/support/factories.js';

const MUNICH = { latitude: 48.137, longitude: 11.575 };
const NUREMBERG = { latitude: 49.452, longitude: 11.077 };
const SITES = {
  dachau: { latitude: 48.26, longitude: 11.43 },
  freising: { latitude: 48.40, longitude: 11.74 },
  rosenheim: { latitude: 47.86, longitude: 12.12 },
};
const DAY = '2030-01-08'; // a Tuesday
const EIGHT_BERLIN = '2030-01-08T07:00:00.000Z';

describe.each(DRIVERS)('technicians, suggestions and the dispatch board on %s', (driver) => {
  let t: TestHub;
  const events: LoggedEvent[] = [];
  beforeAll(async () => {
    t = await startTestHub(driver);
    t.hub.bus.subscribe((evs) => events.push(...evs));
  });
  afterAll(async () => { await t?.close(); });

  async function orderAt(where: keyof typeof SITES, token: string, priority = 'normal') {
    const customer = await makeCustomer(t.hub.db);
    const site = await makeSite(t.hub.db, customer.id, { ...SITES[where], name: where });
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, siteId: site.id });
    const r = await t.request('POST', '/api/requests', { token, body: { subject: `Störung ${where}`, assetId: asset.id, priority } });
    const o = await t.request('POST', '/api/orders', { token, body: { requestId: r.body.request.id, requiredSkill: 'refrigeration', priority, dueAt: '2030-01-08T15:00:00.000Z' } });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    return o.body as { id: string; version: number; requestId: string };
  }

  it('profiles technicians, ranks them for an order, plans, routes and releases a day', async () => {
    const dispatcher = await t.userWithRole('dispatcher');
    const near = await t.userWithRole('technician', { name: 'Anna Near', skills: ['refrigeration'], region: 'Bayern' });
    const far = await t.userWithRole('technician', { name: 'Bernd Far', skills: ['refrigeration'], region: 'Bayern' });
    const sparky = await t.userWithRole('technician', { name: 'Cem Sparky', skills: ['electrics'], region: 'Bayern' });
    for (const [tech, home] of [[near, MUNICH], [far, NUREMBERG], [sparky, MUNICH]] as const) {
      const res = await t.request('PATCH', `/api/technicians/${tech.userId}`, { token: dispatcher.token, body: { version: 1, home, shift: WEEKDAYS_BERLIN } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ home, shift: WEEKDAYS_BERLIN, version: 2, status: 'available' });
    }
    const stale = await t.request('PATCH', `/api/technicians/${near.userId}`, { token: dispatcher.token, body: { version: 1, status: 'busy' } });
    expect(stale.status).toBe(409);
    expect((await t.request('PATCH', `/api/technicians/${near.userId}`, { token: near.token, body: { version: 2, status: 'off' } })).status).toBe(403);

    const dachau = await orderAt('dachau', dispatcher.token);
    const freising = await orderAt('freising', dispatcher.token);
    const rosenheim = await orderAt('rosenheim', dispatcher.token);
    const spare = await orderAt('freising', dispatcher.token, 'high');

    // Suggestions: skill filters, distance ranks.
    const sug = await t.request('GET', `/api/orders/${dachau.id}/suggestions`, { token: dispatcher.token });
    expect(sug.status, JSON.stringify(sug.body)).toBe(200);
    expect(sug.body.items.map((s: { name: string; isEligible: boolean }) => [s.name, s.isEligible])).toEqual([['Anna Near', true], ['Bernd Far', true], ['Cem Sparky', false]]);
    expect(sug.body.items[0].reasons).toContain('has skill refrigeration');
    expect(sug.body.items[2].reasons).toContain('lacks skill refrigeration');

    // Drag three orders onto Anna's Tuesday.
    for (const o of [rosenheim, freising, dachau]) {
      const res = await t.request('POST', '/api/dispatch/assign', { token: dispatcher.token, body: { orderId: o.id, technicianId: near.userId, scheduledFor: EIGHT_BERLIN, version: o.version } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'planned', technicianId: near.userId, scheduledFor: EIGHT_BERLIN });
    }
    const notTech = await t.request('POST', '/api/dispatch/assign', { token: dispatcher.token, body: { orderId: spare.id, technicianId: dispatcher.userId, scheduledFor: EIGHT_BERLIN, version: spare.version } });
    expect(notTech.body.error.details.fields).toHaveProperty('technicianId');
    // Planning is the dispatcher's draft: the technician's room hears of it only on release.
    const planned = events.find((e) => e.type === 'order.status_changed' && e.data.order.id === dachau.id && e.data.to === 'planned');
    expect(planned!.rooms).toEqual(['dispatch', `request:${dachau.requestId}`]);
    const staleAssign = await t.request('POST', '/api/dispatch/assign', { token: dispatcher.token, body: { orderId: dachau.id, technicianId: near.userId, scheduledFor: EIGHT_BERLIN, version: 1 } });
    expect(staleAssign.status).toBe(409);

    // The board: Anna's day routed from home (Dachau, Freising, Rosenheim), the high-priority order unassigned.
    const board = await t.request('GET', `/api/dispatch/board?date=${DAY}&timeZone=Europe/Berlin`, { token: dispatcher.token });
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const anna = board.body.technicians.find((x: { technician: { id: string } }) => x.technician.id === near.userId);
    expect(anna.visits.map((v: { site: { name: string } }) => v.site.name)).toEqual(['dachau', 'freising', 'rosenheim']);
    expect(anna.visits.map((v: { sequence: number }) => v.sequence)).toEqual([1, 2, 3]);
    expect(anna.routeKm).toBeGreaterThan(100);
    expect(board.body.unassigned.map((o: { id: string }) => o.id)).toContain(spare.id);
    const stored = await t.hub.db.select({ id: serviceOrders.id, sequence: serviceOrders.sequence }).from(serviceOrders).where(eq(serviceOrders.technicianId, near.userId));
    expect(Object.fromEntries(stored.map((s) => [s.id, s.sequence]))).toEqual({ [dachau.id]: 1, [freising.id]: 2, [rosenheim.id]: 3 });
    expect((await t.request('GET', `/api/dispatch/board?date=${DAY}&timeZone=Mars/Olympus`, { token: dispatcher.token })).status).toBe(400);

    // Nothing is on the technician's list before release.
    expect((await t.request('GET', `/api/technicians/me/orders?date=${DAY}`, { token: near.token })).body.visits).toEqual([]);
    const released = await t.request('POST', '/api/dispatch/release', { token: dispatcher.token, body: { orderIds: [dachau.id, freising.id, rosenheim.id, spare.id] } });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.released.map((o: { id: string; status: string }) => o.status)).toEqual(['dispatched', 'dispatched', 'dispatched']);
    expect(released.body.refused).toEqual([{ orderId: spare.id, message: 'a new order cannot become dispatched', allowed: ['planned', 'cancelled'] }]);
    const dispatchedEvents = events.filter((e) => e.type === 'order.dispatched' && e.data.technicianId === near.userId);
    expect(dispatchedEvents).toHaveLength(3);
    expect(dispatchedEvents[0]!.rooms).toContain(`technician:${near.userId}`);

    // The technician's device reports a position near Rosenheim; their day is in sequence.
    const pos = await t.request('POST', '/api/technicians/me/position', { token: near.token, body: { latitude: 47.87, longitude: 12.1 } });
    expect(pos.status, JSON.stringify(pos.body)).toBe(200);
    expect(pos.body.position).toMatchObject({ latitude: 47.87, longitude: 12.1 });
    const older = await t.request('POST', '/api/technicians/me/position', { token: near.token, body: { latitude: 1, longitude: 1, at: new Date(Date.now() - 3_600_000).toISOString() } });
    expect(older.body.position).toMatchObject({ latitude: 47.87 });
    expect(events.filter((e) => e.type === 'technician.updated' && e.data.id === near.userId).at(-1)?.rooms).toEqual(['dispatch', `technician:${near.userId}`]);
    const mine = await t.request('GET', `/api/technicians/me/orders?date=${DAY}&timeZone=Europe/Berlin`, { token: near.token });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.visits.map((v: { id: string }) => v.id)).toHaveLength(3);
    expect((await t.request('GET', '/api/technicians/me/orders', { token: dispatcher.token })).status).toBe(403);

    // Handing a dispatched order to someone else takes it back to planned (released again later).
    const cur = (await t.request('GET', `/api/orders/${rosenheim.id}`, { token: dispatcher.token })).body;
    const moved = await t.request('POST', '/api/dispatch/assign', { token: dispatcher.token, body: { orderId: rosenheim.id, technicianId: far.userId, scheduledFor: EIGHT_BERLIN, version: cur.version } });
    expect(moved.body).toMatchObject({ status: 'planned', technicianId: far.userId, sequence: 1 });
    // Anna is told the order left her day; Bernd hears of it when it is released to him.
    const takenBack = events.filter((e) => e.type === 'order.status_changed' && e.data.order.id === rosenheim.id).at(-1)!;
    expect(takenBack.rooms).toEqual(['dispatch', `request:${rosenheim.requestId}`, `technician:${near.userId}`]);
    const after = await t.hub.db.select({ id: serviceOrders.id, sequence: serviceOrders.sequence }).from(serviceOrders).where(eq(serviceOrders.technicianId, near.userId));
    // Re-routed from where Anna's device now is (near Rosenheim): Freising is the nearer first stop.
    expect(Object.fromEntries(after.map((s) => [s.id, s.sequence]))).toEqual({ [freising.id]: 1, [dachau.id]: 2 });
    // An order under way cannot be re-planned.
    const d = (await t.request('GET', `/api/orders/${dachau.id}`, { token: near.token })).body;
    const go = await t.request('POST', `/api/orders/${dachau.id}/transitions`, { token: near.token, body: { to: 'en_route', version: d.version } });
    expect(go.status).toBe(200);
    const late = await t.request('POST', '/api/dispatch/assign', { token: dispatcher.token, body: { orderId: dachau.id, technicianId: far.userId, scheduledFor: EIGHT_BERLIN, version: go.body.version } });
    expect(late.status).toBe(409);
  });
});
