import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceOrders, serviceRequests, timelineEntries, timers } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { SLA, makeAsset, makeContract, makeCustomer } from '../../test/support/factories.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { fireSlaTimer } from './breach.js';
import { slaKey } from './engine.js';

const H = 3_600_000;

describe('SLA clocks: warnings, breaches, escalation and pauses', () => {
  let t: TestHub;
  const events: LoggedEvent[] = [];
  beforeAll(async () => {
    t = await startTestHub('postgres');
    t.hub.bus.subscribe((evs) => events.push(...evs));
  });
  afterAll(async () => { await t?.close(); });

  /** A request whose contract gives the normal priority these business hours (no team: always open). */
  async function request(times: { responseHours: number; resolutionHours: number; onSiteHours?: number }) {
    const customer = await makeCustomer(t.hub.db);
    const contract = await makeContract(t.hub.db, customer.id, { sla: { ...SLA, normal: times, medium: times, high: times } });
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, contractId: contract.id });
    const r = await t.hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, assetId: asset.id, subject: 'Anlage steht' });
    return r.requestId!;
  }
  const ofRequest = (id: string) => events.filter((e) => (e.type === 'sla.warned' || e.type === 'sla.breached') && e.data.request.id === id);

  it('warns at 80% of the response time, breaches at 100%, escalating the priority each time', async () => {
    const id = await request({ responseHours: 2 / 3600, resolutionHours: 1 });
    await expect.poll(() => ofRequest(id).map((e) => e.type), { timeout: 10_000, interval: 50 }).toEqual(['sla.warned', 'sla.breached']);
    const [warned, breached] = ofRequest(id);
    expect(warned).toMatchObject({ data: { clock: 'response', usedRatio: expect.any(Number), request: { priority: 'medium' } } });
    expect(breached).toMatchObject({ data: { clock: 'response', request: { priority: 'high' } } });
    expect(breached!.rooms).toContain(`request:${id}`);
    const [row] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, id));
    expect(row).toMatchObject({ priority: 'high', slaMarks: { 'response.warned': expect.any(String), 'response.breached': expect.any(String) } });
    const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, id));
    expect(entries.filter((e) => e.kind === 'sla').map((e) => e.data.event)).toEqual(['warned', 'breached']);
    expect(entries.filter((e) => e.kind === 'priority_changed').map((e) => `${e.data.from}>${e.data.to}`)).toEqual(['normal>medium', 'medium>high']);
    expect(events.filter((e) => e.type === 'request.updated' && e.data.request.id === id).map((e) => e.type === 'request.updated' && e.data.changed)).toEqual([['priority'], ['priority']]);
  });

  it('runs the clocks again when a resolved request is reopened, and breaches one whose time ran out meanwhile', async () => {
    const id = await request({ responseHours: 1, resolutionHours: 4 });
    const setStatus = async (status: string) => {
      const [cur] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, id));
      const res = await t.request('PATCH', `/api/requests/${id}`, { token: t.adminToken, body: { status, version: cur!.version } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    for (const s of ['assigned', 'in_progress', 'resolved']) await setStatus(s);
    // The resolution time runs out while the request is resolved: its timer fires and does nothing.
    await t.hub.db.update(serviceRequests).set({ resolutionDueAt: new Date(Date.now() - 1000) }).where(eq(serviceRequests.id, id));
    const [timer] = await t.hub.db.update(timers).set({ runAt: new Date(Date.now() - 1000) }).where(eq(timers.key, slaKey.resolution(id))).returning();
    await fireSlaTimer(t.hub.db, t.hub.bus, t.hub.timers, timer!.id);
    expect(ofRequest(id)).toEqual([]);

    await setStatus('in_progress');
    const [rearmed] = await t.hub.db.select().from(timers).where(eq(timers.key, slaKey.resolution(id)));
    expect(rearmed).toMatchObject({ firedAt: null });
    // The response clock was satisfied by the first response: it stays quiet.
    const [response] = await t.hub.db.select().from(timers).where(eq(timers.key, slaKey.response(id)));
    expect(response?.firedAt ?? 'cancelled or fired').not.toBeNull();
    await t.hub.timers.armDue();
    await expect.poll(() => ofRequest(id).map((e) => `${e.type}:${'clock' in e.data ? e.data.clock : '?'}`), { timeout: 10_000, interval: 50 }).toEqual(['sla.breached:resolution']);
  });

  it('stops the clocks while waiting for the customer and moves them by the paused time on resume', async () => {
    const id = await request({ responseHours: 1, resolutionHours: 4 });
    const patch = async (body: Record<string, unknown>) => {
      const [cur] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, id));
      const res = await t.request('PATCH', `/api/requests/${id}`, { token: t.adminToken, body: { ...body, version: cur!.version } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    await patch({ status: 'assigned' });
    await patch({ status: 'waiting_customer' });
    const [paused] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, id));
    expect(paused!.slaPausedAt).not.toBeNull();

    // Two hours pass while waiting, and the response timer fires during the pause: it does nothing.
    await t.hub.db.update(serviceRequests).set({ slaPausedAt: new Date(Date.now() - 2 * H), responseDueAt: new Date(Date.now() - 1000) }).where(eq(serviceRequests.id, id));
    const [timer] = await t.hub.db.update(timers).set({ runAt: new Date(Date.now() - 1000) }).where(eq(timers.key, slaKey.response(id))).returning();
    await fireSlaTimer(t.hub.db, t.hub.bus, t.hub.timers, timer!.id);
    expect(ofRequest(id)).toEqual([]);

    const before = paused!;
    await patch({ status: 'in_progress' });
    const [after] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, id));
    expect(after!.slaPausedAt).toBeNull();
    expect(Math.abs(after!.slaPausedMs - 2 * H)).toBeLessThan(5_000);
    expect(Math.abs(after!.resolutionDueAt!.getTime() - before.resolutionDueAt!.getTime() - 2 * H)).toBeLessThan(5_000);
    const [moved] = await t.hub.db.select().from(timers).where(eq(timers.key, slaKey.resolution(id)));
    // The resolution timer (still in its warning phase) moved by the pause as well.
    expect(moved!.payload).toMatchObject({ kind: 'sla.resolution', phase: 'warn' });
    expect(moved!.firedAt).toBeNull();
    const warnBefore = before.createdAt.getTime() + 0.8 * 4 * H;
    expect(Math.abs(moved!.runAt.getTime() - warnBefore - 2 * H)).toBeLessThan(5_000);
  });

  it('runs an on-site clock per corrective order and escalates the order', async () => {
    const requestId = await request({ responseHours: 1, resolutionHours: 8, onSiteHours: 2 / 3600 });
    const dispatcher = await t.userWithRole('dispatcher');
    const created = await t.request('POST', '/api/orders', { token: dispatcher.token, body: { requestId, priority: 'normal' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(Date.parse(created.body.onSiteDueAt) - Date.parse(created.body.createdAt)).toBeLessThan(3_000);
    await t.hub.timers.armDue();
    const ofOrder = () => events.filter((e) => (e.type === 'sla.warned' || e.type === 'sla.breached') && e.data.order?.id === created.body.id);
    await expect.poll(() => ofOrder().map((e) => e.type), { timeout: 10_000, interval: 50 }).toEqual(['sla.warned', 'sla.breached']);
    expect(ofOrder()[1]).toMatchObject({ data: { clock: 'on_site', order: { priority: 'high' } } });
    expect(ofOrder()[1]!.rooms).toContain('dispatch');
    const [order] = await t.hub.db.select().from(serviceOrders).where(eq(serviceOrders.id, created.body.id));
    expect(order!.priority).toBe('high');
    // Preventive work has no on-site clock.
    const preventive = await t.request('POST', '/api/orders', { token: dispatcher.token, body: { requestId, kind: 'preventive' } });
    expect(preventive.body.onSiteDueAt).toBeNull();
    expect(await t.hub.db.select().from(timers).where(eq(timers.key, slaKey.onSite(preventive.body.id)))).toEqual([]);
  });
});
