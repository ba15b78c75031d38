import { eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  costTemplates, maintenancePlans, maintenanceSchedules, maintenanceVisits, orderCostLines, serviceOrders, serviceRequests, timelineEntries, users,
} from '../../db/schema/index.js';
import { loadConfig } from '../config.js';
import { startHub, type Hub } from '../hub.js';
import { isoDay } from '../identify/warranty.js';
import { createLogger } from '../platform/logger.js';
import { createTestDatabase, uniquePrefix } from '../../test/support/databases.js';
import { startTestHub } from '../../test/support/test-hub.js';
import { makeAsset, makeCustomer, makeModel, makeSite } from '../../test/support/factories.js';
import { addDays, addInterval } from './interval.js';
import { generateMaintenance } from './generate.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { applyTransition } from '../orders/lifecycle.js';
import { createServiceOrder } from '../orders/create.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

const TODAY = isoDay(new Date());
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** A hub on the given PostgreSQL database; two of these in one test process share it like two hub processes would. */
async function hubOn(url: string): Promise<Hub> {
  const hub = await startHub(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, HUB_QUEUE_PREFIX: uniquePrefix('q') }), { log, isHttpOff: true });
  cleanups.push(() => hub.close());
  return hub;
}

async function database() {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return db.url;
}

async function plan(hub: Hub, v: Partial<typeof maintenancePlans.$inferInsert>) {
  const [p] = await hub.db.insert(maintenancePlans).values({
    name: 'Jahreswartung', intervalCount: 1, intervalUnit: 'month', firstDueDate: addDays(TODAY, 5), leadTimeDays: 7, requiredSkill: 'refrigeration', ...v,
  }).returning();
  return p!;
}

const ordersOfPlan = async (hub: Hub, planId: string) => {
  const visits = await hub.db.select().from(maintenanceVisits).where(eq(maintenanceVisits.planId, planId));
  const ids = visits.map((v) => v.orderId!).filter(Boolean);
  return { visits, orders: ids.length ? await hub.db.select().from(serviceOrders).where(inArray(serviceOrders.id, ids)) : [] };
};

describe('preventive maintenance', () => {
  it('creates one order per due plan and none again after a restart; a completion-anchored plan waits for completion', async () => {
    const url = await database();
    const first = await hubOn(url);
    const customer = await makeCustomer(first.db);
    const site = await makeSite(first.db, customer.id);
    const asset = await makeAsset(first.db, { customerId: customer.id, siteId: site.id });
    const monthly = await plan(first, { assetId: asset.id });
    const onCompletion = await plan(first, { assetId: asset.id, name: 'Filterwechsel', anchor: 'completion', intervalCount: 3 });
    const notYet = await plan(first, { assetId: asset.id, name: 'Später', firstDueDate: addDays(TODAY, 30) });

    expect(await generateMaintenance(first.db, first.bus, log)).toEqual({ created: 2, bundled: 0, skipped: 0, failed: 0 });
    const m = await ordersOfPlan(first, monthly.id);
    expect(m.visits).toMatchObject([{ dueDate: addDays(TODAY, 5), isBundled: false }]);
    expect(m.orders).toMatchObject([{ kind: 'preventive', status: 'new', priority: 'low', requiredSkill: 'refrigeration' }]);
    const [req] = await first.db.select().from(serviceRequests).where(eq(serviceRequests.id, m.orders[0]!.requestId));
    expect(req).toMatchObject({ assetId: asset.id, customerId: customer.id, subject: 'Preventive maintenance: Jahreswartung' });
    expect((await ordersOfPlan(first, notYet.id)).visits).toEqual([]);
    const [sched] = await first.db.select().from(maintenanceSchedules).where(eq(maintenanceSchedules.planId, monthly.id));
    expect(sched!.nextDueDate).toBe(addInterval(monthly.firstDueDate, 1, 'month'));
    await first.close();

    // A second start runs the generator again (at start-up): nothing new.
    const second = await hubOn(url);
    await expect.poll(async () => (await second.db.select().from(maintenanceSchedules)).length, { timeout: 10_000 }).toBe(3);
    expect(await generateMaintenance(second.db, second.bus, log)).toEqual({ created: 0, bundled: 0, skipped: 0, failed: 0 });
    expect((await second.db.select().from(maintenanceVisits))).toHaveLength(2);

    // The completion-anchored plan counts from the day its order is completed.
    const c = await ordersOfPlan(second, onCompletion.id);
    const [waiting] = await second.db.select().from(maintenanceSchedules).where(eq(maintenanceSchedules.planId, onCompletion.id));
    expect(waiting!.nextDueDate).toBeNull();
    const [tech] = await second.db.insert(users).values({ email: `tech.${uniquePrefix('u')}@test.local`, name: 'Tech', role: 'technician' }).returning();
    await second.db.update(serviceOrders).set({ status: 'on_site', technicianId: tech!.id }).where(eq(serviceOrders.id, c.orders[0]!.id));
    const [onSite] = await second.db.select().from(serviceOrders).where(eq(serviceOrders.id, c.orders[0]!.id));
    await commitWithEvents(second.db, second.bus, (tx, emit) => applyTransition(tx, emit, onSite!, 'completed', { role: 'technician', actorType: 'user', actorId: tech!.id, userId: tech!.id }));
    const [advanced] = await second.db.select().from(maintenanceSchedules).where(eq(maintenanceSchedules.planId, onCompletion.id));
    expect(advanced!.nextDueDate).toBe(addInterval(TODAY, 3, 'month'));
    const [done] = await second.db.select().from(maintenanceVisits).where(eq(maintenanceVisits.orderId, c.orders[0]!.id));
    expect(done!.completedAt).not.toBeNull();
  });

  it('creates each order once when two hubs generate at the same moment (two startHub instances on one PostgreSQL)', async () => {
    const url = await database();
    const [a, b] = await Promise.all([hubOn(url), hubOn(url)]);
    const model = await makeModel(a.db);
    const customer = await makeCustomer(a.db);
    const units = await Promise.all(Array.from({ length: 4 }, () => makeAsset(a.db, { customerId: customer.id, modelId: model.id })));
    const single = await makeAsset(a.db, { customerId: customer.id });
    const byModel = await plan(a, { modelId: model.id, name: 'Modellwartung', intervalUnit: 'week', intervalCount: 2 });
    const byAsset = await plan(a, { assetId: single.id });
    const runs = await Promise.all([
      generateMaintenance(a.db, a.bus, log), generateMaintenance(b.db, b.bus, log),
      generateMaintenance(a.db, a.bus, log), generateMaintenance(b.db, b.bus, log),
    ]);
    expect(runs.reduce((n, r) => n + r.created, 0)).toBe(5);
    const visits = await a.db.select().from(maintenanceVisits);
    expect(visits).toHaveLength(5);
    expect(new Set(visits.map((v) => v.assetId))).toEqual(new Set([...units.map((u) => u.id), single.id]));
    const preventive = await a.db.select().from(serviceOrders).where(eq(serviceOrders.kind, 'preventive'));
    expect(preventive).toHaveLength(5);
    expect((await ordersOfPlan(a, byModel.id)).orders).toHaveLength(4);
    expect((await ordersOfPlan(a, byAsset.id)).orders).toHaveLength(1);
  });

  it('bundles a due preventive visit into the asset\'s open corrective order: one visit, lines added, plan advanced', async () => {
    const url = await database();
    const hub = await hubOn(url);
    const customer = await makeCustomer(hub.db);
    const asset = await makeAsset(hub.db, { customerId: customer.id });
    const r = await hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, assetId: asset.id, subject: 'Leckage' });
    const corrective = await commitWithEvents(hub.db, hub.bus, (tx, emit) => createServiceOrder(tx, {
      requestId: r.requestId!, kind: 'corrective', priority: 'normal', description: 'Leckage am Verdampfer', actor: { type: 'system' },
    }, emit));
    const [tpl] = await hub.db.insert(costTemplates).values({ name: 'Inspektion', currency: 'EUR', lines: [{ category: 'labour', description: 'Inspektion', quantity: 1, unitPriceCents: 9_000 }] }).returning();
    const p = await plan(hub, { assetId: asset.id, templateId: tpl!.id });

    expect(await generateMaintenance(hub.db, hub.bus, log)).toEqual({ created: 0, bundled: 1, skipped: 0, failed: 0 });
    expect(await hub.db.select().from(serviceOrders).where(eq(serviceOrders.kind, 'preventive'))).toEqual([]);
    const [order] = await hub.db.select().from(serviceOrders).where(eq(serviceOrders.id, corrective.id));
    expect(order!.description).toMatch(/^Leckage am Verdampfer\n\nPreventive maintenance "Jahreswartung" \(due \d{4}-\d{2}-\d{2}\) bundled/);
    expect(order!.version).toBe(2);
    expect(await hub.db.select().from(orderCostLines).where(eq(orderCostLines.orderId, corrective.id))).toMatchObject([{ phase: 'planned', category: 'labour', unitPriceCents: 9_000 }]);
    const [visit] = await hub.db.select().from(maintenanceVisits).where(eq(maintenanceVisits.planId, p.id));
    expect(visit).toMatchObject({ orderId: corrective.id, isBundled: true });
    const entries = await hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, r.requestId!));
    expect(entries.find((e) => e.data.event === 'maintenance_bundled')).toBeTruthy();
    const [sched] = await hub.db.select().from(maintenanceSchedules).where(eq(maintenanceSchedules.planId, p.id));
    expect(sched!.nextDueDate).toBe(addInterval(p.firstDueDate, 1, 'month'));
  });

  it('manages plans over the API and generates on the embedded database (PGlite)', async () => {
    const t = await startTestHub('pglite');
    cleanups.push(() => t.close());
    const dispatcher = await t.userWithRole('dispatcher');
    const customer = await makeCustomer(t.hub.db);
    const model = await makeModel(t.hub.db);
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, modelId: model.id });
    const both = await t.request('POST', '/api/maintenance-plans', { token: dispatcher.token, body: { name: 'x', assetId: asset.id, modelId: model.id, intervalCount: 1, intervalUnit: 'month', firstDueDate: TODAY } });
    expect(both.status).toBe(400);
    expect(both.body.error.details.fields).toHaveProperty('assetId');
    const created = await t.request('POST', '/api/maintenance-plans', { token: dispatcher.token, body: { name: 'Quartalswartung', modelId: model.id, intervalCount: 3, intervalUnit: 'month', firstDueDate: addDays(TODAY, 3), leadTimeDays: 5 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ anchor: 'scheduled', priority: 'low', isActive: true, version: 1 });
    const agent = await t.userWithRole('agent');
    expect((await t.request('POST', '/api/maintenance-plans/generate', { token: agent.token })).status).toBe(403);
    const run = await t.request('POST', '/api/maintenance-plans/generate', { token: dispatcher.token });
    expect(run.body).toEqual({ created: 1, bundled: 0, skipped: 0, failed: 0 });
    expect((await t.request('POST', '/api/maintenance-plans/generate', { token: dispatcher.token })).body).toEqual({ created: 0, bundled: 0, skipped: 0, failed: 0 });
    const visits = await t.request('GET', `/api/maintenance-plans/${created.body.id}/visits`, { token: agent.token });
    expect(visits.body.items).toMatchObject([{ assetId: asset.id, dueDate: addDays(TODAY, 3), isBundled: false, orderId: expect.any(String) }]);
    const order = await t.request('GET', `/api/orders/${visits.body.items[0].orderId}`, { token: agent.token });
    expect(order.body).toMatchObject({ kind: 'preventive', status: 'new', onSiteDueAt: null });
  });
});
