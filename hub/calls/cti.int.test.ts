import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarms, calls, contacts, deadLetters, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import { makeAsset, makeCustomer } from '../../test/support/factories.js';
import { connectSocket, type TestSocket } from '../../test/support/sockets.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';

describe.each(DRIVERS)('phone intake over CTI (%s)', (driver) => {
  let t: TestHub;
  let token: string;
  let agent: { token: string; userId: string };
  let customerId: string;
  let assetSerial: string;
  let assetId: string;
  let openRequestId: string;
  let socket: TestSocket;
  // Zammad posts form-encoded, numbers in E.164 without the plus, agents as user[].
  const cti = (fields: Record<string, string | string[]>, tok = token) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
    return t.request('POST', `/api/cti/${tok}`, { raw: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  };

  beforeAll(async () => {
    t = await startTestHub(driver, { isHttp: true });
    const created = await t.request('POST', '/api/cti-integrations', { token: t.adminToken, body: { name: 'Asterisk Zentrale' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    token = created.body.token;
    agent = await t.userWithRole('agent', { name: 'Anna Agent', phone: '+49 30 999 11' });
    const customer = await makeCustomer(t.hub.db, { name: 'Bäckerei Schulz' });
    customerId = customer.id;
    await t.hub.db.insert(contacts).values({ customerId, name: 'Jana Schulz', phone: '+49301234567', email: 'jana@schulz.example' });
    const asset = await makeAsset(t.hub.db, { customerId, warrantyUntil: '2099-12-31' });
    assetSerial = asset.serialNumber;
    assetId = asset.id;
    const req = await t.request('POST', '/api/requests', { token: agent.token, body: { subject: 'Ofen heizt nicht', customerId, assetId: asset.id } });
    openRequestId = req.body.request.id;
    socket = await connectSocket(`http://127.0.0.1:${t.hub.httpPort}`, { token: agent.token });
    await socket.subscribe({ rooms: ['calls', `user:${agent.userId}`] });
  });
  afterAll(async () => { socket?.close(); await t?.close(); });

  it('shows the caller on a ringing call, with units, warranty and open requests', async () => {
    expect((await cti({ event: 'newCall', from: '49301234567', to: '4930999', direction: 'in', callId: 'call-1', 'user[]': ['Anna Agent'] })).status).toBe(200);
    await expect.poll(() => socket.events.find((e) => e.type === 'call.ringing'), { timeout: 10_000 }).toMatchObject({
      data: { callId: 'call-1', direction: 'in', from: '49301234567', state: 'ringing', customerId, caller: { contactName: 'Jana Schulz', customerName: 'Bäckerei Schulz' } },
    });
    const [call] = await t.hub.db.select().from(calls).where(eq(calls.callId, 'call-1'));
    const card = await t.request('GET', `/api/calls/${call!.id}/caller`, { token: agent.token });
    expect(card.status, JSON.stringify(card.body)).toBe(200);
    expect(card.body).toMatchObject({
      customer: { id: customerId, name: 'Bäckerei Schulz' },
      contacts: [expect.objectContaining({ name: 'Jana Schulz' })],
      assets: [expect.objectContaining({ serialNumber: assetSerial, warranty: 'in_warranty' })],
      activeAlarms: [],
    });
    expect(card.body.openRequests.map((r: { id: string }) => r.id)).toContain(openRequestId);
  });

  it('shows the active alarms of the caller\'s units, most severe first, and not the cleared ones', async () => {
    const at = new Date();
    await t.hub.db.insert(alarms).values([
      { assetId, faultCode: 'W310', severity: 'warning', count: 2, firstSeenAt: at, lastSeenAt: at, stateChangedAt: at },
      { assetId, faultCode: 'E101', severity: 'critical', count: 7, firstSeenAt: at, lastSeenAt: at, stateChangedAt: at, message: 'overcurrent' },
      { assetId, faultCode: 'E205', severity: 'major', count: 1, firstSeenAt: at, lastSeenAt: at, stateChangedAt: at, state: 'cleared', clearedAt: at },
    ]);
    const card = await t.request('GET', '/api/callers/card?phone=%2B49301234567', { token: agent.token });
    expect(card.status, JSON.stringify(card.body)).toBe(200);
    expect(card.body.activeAlarms).toEqual([
      expect.objectContaining({ assetId, code: 'E101', severity: 'critical', occurrences: 7, message: 'overcurrent' }),
      expect.objectContaining({ assetId, code: 'W310', severity: 'warning', occurrences: 2 }),
    ]);
    await t.hub.db.delete(alarms).where(eq(alarms.assetId, assetId));
  });

  it('records who answered, attaches the call to the open request and puts it on the timeline at hangup', async () => {
    expect((await cti({ event: 'newCall', from: '49301234567', to: '4930999', direction: 'in', callId: 'call-1' })).status).toBe(200);
    expect(await t.hub.db.$count(calls, eq(calls.callId, 'call-1'))).toBe(1);
    await cti({ event: 'answer', from: '49301234567', to: '4930999', direction: 'in', callId: 'call-1', 'user[]': 'Anna Agent' });
    const [call] = await t.hub.db.select().from(calls).where(eq(calls.callId, 'call-1'));
    expect(call).toMatchObject({ state: 'answered', agentId: agent.userId });
    const attached = await t.request('POST', `/api/calls/${call!.id}/request`, { token: agent.token, body: { requestId: openRequestId } });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expect(attached.body.call).toMatchObject({ requestId: openRequestId, state: 'answered' });
    await cti({ event: 'hangup', from: '49301234567', to: '4930999', direction: 'in', callId: 'call-1', cause: 'normalClearing' });
    const entries = await t.hub.db.select().from(timelineEntries).where(and(eq(timelineEntries.requestId, openRequestId), eq(timelineEntries.kind, 'call')));
    expect(entries).toEqual([expect.objectContaining({
      actorId: agent.userId, data: expect.objectContaining({ direction: 'in', agentId: agent.userId, durationSeconds: expect.any(Number), cause: 'normalClearing' }),
    })]);
    await expect.poll(() => socket.events.filter((e) => e.type === 'call.ended').length, { timeout: 10_000 }).toBe(1);
    expect((await t.request('POST', `/api/calls/${call!.id}/request`, { token: agent.token, body: { requestId: openRequestId } })).status).toBe(409);
  });

  it('opens a new request from an ended call, with the caller filled in and the call on its timeline', async () => {
    await cti({ event: 'newCall', from: '4930555', to: '49301234567', direction: 'out', callId: 'call-2', 'user[]': 'Anna Agent' });
    await cti({ event: 'answer', from: '4930555', to: '49301234567', direction: 'out', callId: 'call-2', answeringNumber: '+49 30 999 11' });
    await cti({ event: 'hangup', from: '4930555', to: '49301234567', direction: 'out', callId: 'call-2', cause: 'normalClearing' });
    const [call] = await t.hub.db.select().from(calls).where(eq(calls.callId, 'call-2'));
    expect(call).toMatchObject({ direction: 'out', state: 'ended', agentId: agent.userId, customerId });
    const res = await t.request('POST', `/api/calls/${call!.id}/request`, { token: agent.token, body: { subject: 'Rückruf: Display dunkel', isForcedNew: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.request).toMatchObject({ subject: 'Rückruf: Display dunkel', channel: 'phone', customerId });
    const kinds = (await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, res.body.request.id))).map((e) => e.kind);
    expect(kinds.sort()).toEqual(['call', 'created']);
  });

  it('refuses an unknown token and a malformed event (dead-lettered)', async () => {
    expect((await cti({ event: 'newCall', from: '1', to: '2', direction: 'in', callId: 'x' }, 'hc_not-a-real-token')).status).toBe(401);
    const bad = await cti({ event: 'ring', from: '1', to: '2', direction: 'in', callId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toHaveProperty('event');
    expect(await t.hub.db.$count(deadLetters, eq(deadLetters.source, 'phone'))).toBeGreaterThanOrEqual(1);
    const json = await t.request('POST', `/api/cti/${token}`, { body: { event: 'newCall', from: '49301234567', to: '4930999', direction: 'in', callId: 'call-json', user: 'Anna Agent' } });
    expect(json.status, JSON.stringify(json.body)).toBe(200);
  });

  it.each([
    ['phone', '030 1234567'],
    ['name', 'jana sch'],
    ['email', 'jana@schulz'],
  ])('finds the caller by %s', async (matchedBy, q) => {
    const res = await t.request('GET', `/api/callers?q=${encodeURIComponent(q)}`, { token: agent.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toContainEqual(expect.objectContaining({ matchedBy, contact: expect.objectContaining({ name: 'Jana Schulz' }), customer: { id: customerId, name: 'Bäckerei Schulz' } }));
  });

  it('finds the customer by a unit\'s serial number, and is closed to technicians', async () => {
    const res = await t.request('GET', `/api/callers?q=${encodeURIComponent(assetSerial.slice(3))}`, { token: agent.token });
    expect(res.body.items).toContainEqual(expect.objectContaining({ matchedBy: 'serial', customer: { id: customerId, name: 'Bäckerei Schulz' } }));
    const tech = await t.userWithRole('technician');
    expect((await t.request('GET', '/api/callers?q=jana', { token: tech.token })).status).toBe(403);
    expect((await t.request('POST', '/api/cti-integrations', { token: agent.token, body: { name: 'x' } })).status).toBe(403);
  });

  it('keeps requests of other customers off the caller card', async () => {
    const other = await makeCustomer(t.hub.db);
    await t.request('POST', '/api/requests', { token: agent.token, body: { subject: 'Fremd', customerId: other.id } });
    const card = await t.request('GET', '/api/callers/card?phone=%2B49301234567', { token: agent.token });
    const ids = card.body.openRequests.map((r: { customerId: string }) => r.customerId);
    expect(new Set(ids)).toEqual(new Set([customerId]));
    const rows = await t.hub.db.select({ id: serviceRequests.id }).from(serviceRequests).where(eq(serviceRequests.customerId, customerId));
    expect(rows.length).toBeGreaterThanOrEqual(card.body.openRequests.length);
  });
});
