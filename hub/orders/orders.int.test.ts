import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceOrders } from '../../db/schema/index.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

describe('orders API (read)', () => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub('postgres'); });
  afterAll(async () => { await t?.close(); });

  it('lists and shows orders with WO numbers; technicians see only theirs; customers none', async () => {
    const r = await t.request('POST', '/api/requests', { token: t.adminToken, body: { subject: 'Needs a visit' } });
    const tech = await t.userWithRole('technician');
    const [mine] = await t.hub.db.insert(serviceOrders).values({ requestId: r.body.request.id, kind: 'corrective', priority: 'high', status: 'dispatched', technicianId: tech.userId, requiredSkill: 'refrigeration' }).returning();
    // Planned for the technician but not released yet: still the dispatcher's draft.
    const [draft] = await t.hub.db.insert(serviceOrders).values({ requestId: r.body.request.id, kind: 'corrective', priority: 'low', status: 'planned', technicianId: tech.userId }).returning();
    const [other] = await t.hub.db.insert(serviceOrders).values({ requestId: r.body.request.id, kind: 'preventive', priority: 'low' }).returning();

    const all = await t.request('GET', `/api/orders?requestId=${r.body.request.id}`, { token: t.adminToken });
    expect(all.status).toBe(200);
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([other!.id, draft!.id, mine!.id]);
    expect(all.body.items[2]).toMatchObject({ number: expect.stringMatching(/^WO-\d{6}$/), status: 'dispatched', requiredSkill: 'refrigeration' });
    expect((await t.request('GET', '/api/orders?kind=preventive', { token: t.adminToken })).body.items.map((o: { id: string }) => o.id)).toEqual([other!.id]);

    const techList = await t.request('GET', '/api/orders', { token: tech.token });
    expect(techList.body.items.map((o: { id: string }) => o.id)).toEqual([mine!.id]);
    expect((await t.request('GET', `/api/orders/${other!.id}`, { token: tech.token })).status).toBe(404);
    expect((await t.request('GET', `/api/orders/${draft!.id}`, { token: tech.token })).status).toBe(404);
    expect((await t.request('GET', `/api/orders/${mine!.id}`, { token: tech.token })).body.id).toBe(mine!.id);

    const customer = await t.userWithRole('customer');
    expect((await t.request('GET', '/api/orders', { token: customer.token })).status).toBe(403);
    expect((await t.request('GET', '/api/orders')).status).toBe(401);
    expect((await t.request('GET', '/api/orders?status=flying', { token: t.adminToken })).body.error.details.fields).toHaveProperty('status');
  });
});
