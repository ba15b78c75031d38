import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, faultCodes, orderCostLines, partsRequisitions, serviceOrders, timelineEntries, timers } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { makeAsset, makeContract, makeCustomer } from '../../test/support/factories.js';

// A 1×1 PNG and the first bytes of a JPEG: real image headers, so the type check has something to check.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const JPEG = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString('base64')}`;

describe.each(DRIVERS)('service order lifecycle on %s', (driver) => {
  let t: TestHub;
  const events: LoggedEvent[] = [];
  beforeAll(async () => {
    t = await startTestHub(driver);
    t.hub.bus.subscribe((evs) => events.push(...evs));
  });
  afterAll(async () => { await t?.close(); });

  async function orderOnRequest(coverage: 'parts_only' | 'parts_and_labour' = 'parts_only') {
    const customer = await makeCustomer(t.hub.db);
    const contract = await makeContract(t.hub.db, customer.id, { coverage });
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, contractId: contract.id, warrantyUntil: '2025-01-31' });
    const r = await t.request('POST', '/api/requests', { token: t.adminToken, body: { subject: 'Kältemaschine fällt aus', assetId: asset.id, priority: 'high' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.request.id as string;
  }

  it('runs new → … → closed through the API, with timeline entries, events and costs', async () => {
    const requestId = await orderOnRequest();
    const agent = await t.userWithRole('agent');
    const dispatcher = await t.userWithRole('dispatcher');
    const supervisor = await t.userWithRole('supervisor');
    const tech = await t.userWithRole('technician', { skills: ['refrigeration'] });
    await t.hub.db.insert(faultCodes).values({ code: `E-${driver}`, description: 'compressor overcurrent', defaultSeverity: 'major', requiredSkill: 'refrigeration', component: 'compressor' });
    const tpl = await t.request('POST', '/api/cost-templates', { token: dispatcher.token, body: {
      name: `Verdichter ${driver}`, currency: 'EUR', lines: [
        { category: 'parts', description: 'Kondensator', partNumber: 'C-40', quantity: 1, unitPriceCents: 4_500 },
        { category: 'labour', description: 'Techniker', quantity: 2, unitPriceCents: 8_000 },
        { category: 'travel', description: 'Anfahrt km', quantity: 40, unitPriceCents: 50 },
      ],
    } });
    expect(tpl.status, JSON.stringify(tpl.body)).toBe(201);

    const created = await t.request('POST', '/api/orders', { token: agent.token, body: { requestId, templateId: tpl.body.id, requiredSkill: 'refrigeration', description: 'Verdichter startet nicht' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'new', priority: 'high', version: 1, allowedTransitions: [] });

    // A stale version and an invalid transition are both 409s; the latter names what is allowed.
    const skip = await t.request('POST', `/api/orders/${id}/transitions`, { token: dispatcher.token, body: { to: 'on_site', version: 1 } });
    expect(skip.status).toBe(409);
    expect(skip.body.error.details).toMatchObject({ from: 'new', to: 'on_site', allowed: ['planned', 'cancelled'] });
    const stale = await t.request('POST', `/api/orders/${id}/transitions`, { token: dispatcher.token, body: { to: 'planned', version: 7 } });
    expect(stale.body.error.details).toMatchObject({ expectedVersion: 7, currentVersion: 1 });
    // Technicians cannot see (so cannot move) an order that is not theirs.
    expect((await t.request('POST', `/api/orders/${id}/transitions`, { token: tech.token, body: { to: 'planned', version: 1 } })).status).toBe(404);
    expect((await t.request('POST', `/api/orders/${id}/transitions`, { token: agent.token, body: { to: 'planned', version: 1 } })).status).toBe(403);

    let v = 1;
    const move = async (token: string, to: string, reason?: string) => {
      const res = await t.request('POST', `/api/orders/${id}/transitions`, { token, body: { to, version: v, ...(reason ? { reason } : {}) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      v = res.body.version;
      return res.body;
    };
    await move(dispatcher.token, 'planned');
    const noTech = await t.request('POST', `/api/orders/${id}/transitions`, { token: dispatcher.token, body: { to: 'dispatched', version: v } });
    expect(noTech.body.error.details).toMatchObject({ reason: 'needs_technician' });
    await t.hub.db.update(serviceOrders).set({ technicianId: tech.userId }).where(eq(serviceOrders.id, id));
    await move(dispatcher.token, 'dispatched');
    const enRoute = await move(tech.token, 'en_route');
    expect(enRoute.allowedTransitions).toEqual(['on_site', 'dispatched']);
    await move(tech.token, 'on_site');
    // On site in time: the on-site SLA timer is done with.
    const [onSiteTimer] = await t.hub.db.select().from(timers).where(eq(timers.key, `sla:on_site:${id}`));
    expect(onSiteTimer!.firedAt).not.toBeNull();

    // Feedback: the fault code must be in the catalogue.
    const feedbackBody = {
      workDone: 'Anlaufkondensator getauscht', faultCode: `E-${driver}`, failedComponent: 'compressor', objectCondition: 'gepflegt, Filter verschmutzt',
      labour: { hours: 2.5 }, travel: { quantity: 38 },
      partsUsed: [{ partNumber: 'C-40', description: 'Kondensator', quantity: 2, unitPriceCents: 4_500 }],
      missingParts: [{ partNumber: 'F-12', description: 'Filtermatte', quantity: 1 }],
      photos: [{ dataUrl: PNG }, { dataUrl: JPEG }],
    };
    const badCode = await t.request('POST', `/api/orders/${id}/feedback`, { token: tech.token, body: { ...feedbackBody, faultCode: 'NOPE' } });
    expect(badCode.body.error.details.fields).toHaveProperty('faultCode');
    const fake = await t.request('POST', `/api/orders/${id}/feedback`, { token: tech.token, body: { ...feedbackBody, photos: [{ dataUrl: `data:image/png;base64,${Buffer.from('<script>').toString('base64')}` }] } });
    expect(fake.body.error.details.fields).toHaveProperty(['photos.0.dataUrl']);
    const fb = await t.request('POST', `/api/orders/${id}/feedback`, { token: tech.token, body: feedbackBody });
    expect(fb.status, JSON.stringify(fb.body)).toBe(200);
    expect(fb.body.photos).toHaveLength(2);
    expect(fb.body.requisitionIds).toHaveLength(1);
    const photo = await t.hub.app.request(fb.body.photos[0].url, { headers: { authorization: `Bearer ${tech.token}` } });
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer()).toString('base64')).toBe(PNG.split(',')[1]);
    // Five photos as large as allowed (600 KB each: well over the 1 MiB JSON limit together) are taken.
    const big = `data:image/jpeg;base64,${Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600 * 1024 - 4, 7)]).toString('base64')}`;
    const full = await t.request('POST', `/api/orders/${id}/feedback`, { token: tech.token, body: { ...feedbackBody, missingParts: [], photos: Array.from({ length: 5 }, () => ({ dataUrl: big })) } });
    expect(full.status, JSON.stringify(full.body).slice(0, 300)).toBe(200);
    expect(full.body.photos.filter((p: { bytes: number }) => p.bytes === 600 * 1024)).toHaveLength(5);
    // Resubmitting does not requisition the same part twice.
    const again = await t.request('POST', `/api/orders/${id}/feedback`, { token: tech.token, body: { ...feedbackBody, photos: [] } });
    expect(again.body.photos).toHaveLength(7);
    const reqs = await t.hub.db.select().from(partsRequisitions).where(eq(partsRequisitions.orderId, id));
    expect(reqs).toMatchObject([{ partNumber: 'F-12', quantity: 1, status: 'open', requestedBy: tech.userId }]);
    const listed = await t.request('GET', `/api/parts-requisitions?orderId=${id}`, { token: dispatcher.token });
    expect(listed.body.items).toMatchObject([{ id: reqs[0]!.id, requestId, status: 'open' }]);
    const ordered = await t.request('PATCH', `/api/parts-requisitions/${reqs[0]!.id}`, { token: dispatcher.token, body: { status: 'ordered', version: 1 } });
    expect(ordered.body).toMatchObject({ status: 'ordered', version: 2 });
    expect((await t.request('PATCH', `/api/parts-requisitions/${reqs[0]!.id}`, { token: dispatcher.token, body: { status: 'open', version: 2 } })).body.error.details.allowed).toEqual(['delivered', 'cancelled']);

    // Sign-off on site, then completion: the signature is the acceptance, so the order is accepted at once.
    v = (await t.request('GET', `/api/orders/${id}`, { token: tech.token })).body.version;
    const signed = await t.request('POST', `/api/orders/${id}/sign-off`, { token: tech.token, body: { name: 'Frau Huber', signature: { kind: 'drawn', dataUrl: PNG }, signedAt: new Date().toISOString() } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.acceptedVia).toBe('sign_off');
    expect((await t.request('POST', `/api/orders/${id}/sign-off`, { token: tech.token, body: { name: 'x', signature: { kind: 'typed', text: 'x' }, signedAt: new Date().toISOString() } })).status).toBe(409);
    v = signed.body.version;
    const completed = await move(tech.token, 'completed');
    expect(completed.status).toBe('accepted');
    // Closing is for supervisors.
    expect((await t.request('POST', `/api/orders/${id}/transitions`, { token: dispatcher.token, body: { to: 'closed', version: v } })).body.error.details.reason).toBe('role');
    const closed = await move(supervisor.token, 'closed');
    expect(closed).toMatchObject({ status: 'closed', allowedTransitions: [] });

    // Costs: parts-only contract (warranty over) → parts covered, labour and travel chargeable.
    const costs = await t.request('GET', `/api/orders/${id}/costs`, { token: agent.token });
    expect(costs.status, JSON.stringify(costs.body)).toBe(200);
    expect(costs.body.categories).toEqual({
      parts: { plannedCents: 4_500, actualCents: 9_000, chargeableCents: 0, coveredCents: 9_000 },
      labour: { plannedCents: 16_000, actualCents: 20_000, chargeableCents: 20_000, coveredCents: 0 },
      travel: { plannedCents: 2_000, actualCents: 1_900, chargeableCents: 1_900, coveredCents: 0 },
    });
    expect(costs.body.totals.marginCents).toBe(22_500 - 30_900);
    expect(await t.hub.db.select().from(orderCostLines).where(eq(orderCostLines.orderId, id))).toHaveLength(6);

    // Timeline and events tell the same story.
    const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, requestId));
    const moves = entries.filter((e) => e.data.event === 'status_changed').map((e) => `${e.data.from}>${e.data.to}`);
    expect(moves).toEqual(['new>planned', 'planned>dispatched', 'dispatched>en_route', 'en_route>on_site', 'on_site>completed', 'completed>accepted', 'accepted>closed']);
    expect(entries.filter((e) => e.data.event === 'feedback')).toHaveLength(3);
    expect(entries.find((e) => e.data.event === 'signed_off')?.body).toMatch(/Frau Huber/);
    const mine = events.filter((e) => (e.type === 'order.status_changed') && e.data.order.id === id);
    expect(mine.map((e) => e.type === 'order.status_changed' && e.data.to)).toEqual(['planned', 'dispatched', 'en_route', 'on_site', 'completed', 'accepted', 'closed']);
    const dispatched = events.find((e) => e.type === 'order.dispatched' && e.data.order.id === id);
    expect(dispatched?.rooms).toEqual(['dispatch', `request:${requestId}`, `technician:${tech.userId}`]);
    expect(events.filter((e) => e.type === 'requisition.created' && e.data.orderId === id)).toHaveLength(1);
    const audits = await t.hub.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audits.filter((a) => a.action === 'transition')).toHaveLength(7);

    // The customer's sign-off is the feedback a request needs to close without a supervisor's reason.
    let rv = (await t.request('GET', `/api/requests/${requestId}`, { token: supervisor.token })).body.version;
    for (const status of ['in_progress', 'resolved', 'closed']) {
      const res = await t.request('PATCH', `/api/requests/${requestId}`, { token: supervisor.token, body: { status, version: rv } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      rv = res.body.version;
    }
  });

  it('cancels with a reason, closes a completed order only with acceptance or an override, and rejects back to planned', async () => {
    const requestId = await orderOnRequest('parts_and_labour');
    const dispatcher = await t.userWithRole('dispatcher');
    const supervisor = await t.userWithRole('supervisor');
    const tech = await t.userWithRole('technician');
    const open = async () => (await t.request('POST', '/api/orders', { token: dispatcher.token, body: { requestId } })).body;

    const a = await open();
    const noReason = await t.request('POST', `/api/orders/${a.id}/transitions`, { token: dispatcher.token, body: { to: 'cancelled', version: 1 } });
    expect(noReason.body.error.details.reason).toBe('needs_reason');
    const cancelled = await t.request('POST', `/api/orders/${a.id}/transitions`, { token: dispatcher.token, body: { to: 'cancelled', version: 1, reason: 'customer fixed it' } });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', closeReason: 'customer fixed it' });

    const b = await open();
    await t.hub.db.update(serviceOrders).set({ status: 'completed', technicianId: tech.userId }).where(eq(serviceOrders.id, b.id));
    const noAccept = await t.request('POST', `/api/orders/${b.id}/transitions`, { token: supervisor.token, body: { to: 'closed', version: 1 } });
    expect(noAccept.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'needs_acceptance', allowed: ['accepted', 'rejected', 'closed'] } });
    const rejected = await t.request('POST', `/api/orders/${b.id}/transitions`, { token: dispatcher.token, body: { to: 'rejected', version: 1, reason: 'still leaking' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', allowedTransitions: ['planned', 'cancelled'] });
    const replanned = await t.request('POST', `/api/orders/${b.id}/transitions`, { token: dispatcher.token, body: { to: 'planned', version: 2 } });
    expect(replanned.body.status).toBe('planned');

    const c = await open();
    await t.hub.db.update(serviceOrders).set({ status: 'completed' }).where(eq(serviceOrders.id, c.id));
    const override = await t.request('POST', `/api/orders/${c.id}/transitions`, { token: supervisor.token, body: { to: 'closed', version: 1, reason: 'customer unreachable, work verified by photo' } });
    expect(override.body).toMatchObject({ status: 'closed', closeReason: 'customer unreachable, work verified by photo' });
  });

  it('clarifies an order with PATCH (cause, priority, due time) on the timeline', async () => {
    const requestId = await orderOnRequest();
    const dispatcher = await t.userWithRole('dispatcher');
    const o = (await t.request('POST', '/api/orders', { token: dispatcher.token, body: { requestId, priority: 'low' } })).body;
    const due = '2030-01-02T10:00:00.000Z';
    const res = await t.request('PATCH', `/api/orders/${o.id}`, { token: dispatcher.token, body: { version: 1, cause: 'Kondensator defekt', priority: 'high', dueAt: due } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ cause: 'Kondensator defekt', priority: 'high', dueAt: due, version: 2 });
    const stale = await t.request('PATCH', `/api/orders/${o.id}`, { token: dispatcher.token, body: { version: 1, cause: 'x' } });
    expect(stale.status).toBe(409);
    const entry = (await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, requestId))).find((e) => e.data.event === 'updated');
    expect(entry?.data).toMatchObject({ changed: ['cause', 'priority', 'dueAt'], priorityFrom: 'low', priorityTo: 'high' });
    expect(events.find((e) => e.type === 'order.updated' && e.data.order.id === o.id)).toBeTruthy();
  });
});
