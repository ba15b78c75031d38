import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceOrders } from '../../db/schema/index.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { makeAsset, makeCustomer, makeTeam } from '../../test/support/factories.js';

describe('requests API', () => {
  let t: TestHub;
  let agent: { token: string; userId: string };
  beforeAll(async () => {
    t = await startTestHub('postgres');
    agent = await t.userWithRole('agent');
  });
  afterAll(async () => { await t?.close(); });
  const post = (body: unknown, token = agent.token, headers: Record<string, string> = {}) => t.request('POST', '/api/requests', { token, body, headers });

  describe('POST /api/requests (an agent\'s intake)', () => {
    it('opens a request and returns it with its number', async () => {
      const asset = await makeAsset(t.hub.db);
      const res = await post({ subject: 'Wärmepumpe piept', serialNumber: asset.serialNumber, contact: { name: 'Jan Nowak', phone: '+48 22 555 01 02' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.result).toMatchObject({ kind: 'created', number: expect.stringMatching(/^SR-\d{6}$/) });
      expect(res.body.request).toMatchObject({ subject: 'Wärmepumpe piept', channel: 'phone', status: 'new', assetId: asset.id, customerId: asset.customerId, version: 1 });
    });

    it('answers a retry with the same Idempotency-Key with the same request and changes nothing', async () => {
      const key = crypto.randomUUID();
      const first = await post({ subject: 'Retry me' }, agent.token, { 'idempotency-key': key });
      const again = await post({ subject: 'Retry me' }, agent.token, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.result).toMatchObject({ kind: 'duplicate', requestId: first.body.result.requestId });
      const list = await t.request('GET', '/api/requests?q=Retry%20me', { token: agent.token });
      expect(list.body.items).toHaveLength(1);
    });

    it.each([
      [{}, 'subject'],
      [{ subject: '' }, 'subject'],
      [{ subject: 'x', priority: 'urgent' }, 'priority'],
      [{ subject: 'x', type: 'alarm' }, 'type'],
      [{ subject: 'x', assetId: 'not-a-uuid' }, 'assetId'],
      [{ subject: 'x', contact: { email: 'nope' } }, 'contact.email'],
      [{ subject: 'x', serialNumber: 'UNKNOWN-SERIAL' }, 'serialNumber'],
      [{ subject: 'x', customFields: { a: 1 } }, 'categoryId'],
    ])('rejects %j with 400 naming %s', async (body, field) => {
      const res = await post(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
      expect(Object.keys(res.body.error.details.fields)).toContain(field);
    });

    it('needs a signed-in caller whose role takes calls', async () => {
      expect((await post({ subject: 'x' }, '')).status).toBe(401);
      expect((await post({ subject: 'x' }, 'hs_forged')).status).toBe(401);
      const tech = await t.userWithRole('technician');
      expect((await post({ subject: 'x' }, tech.token)).status).toBe(403);
    });
  });

  describe('reading', () => {
    it('filters by status, channel, priority and finds by number', async () => {
      const a = await post({ subject: 'Filter A', priority: 'low', channel: 'email' });
      await post({ subject: 'Filter B', priority: 'high' });
      const low = await t.request('GET', '/api/requests?priority=low&channel=email&status=open', { token: agent.token });
      expect(low.body.items.map((r: { id: string }) => r.id)).toContain(a.body.request.id);
      expect(low.body.items.every((r: { priority: string; channel: string }) => r.priority === 'low' && r.channel === 'email')).toBe(true);
      const byNumber = await t.request('GET', `/api/requests?q=${a.body.request.number}`, { token: agent.token });
      expect(byNumber.body.items.map((r: { id: string }) => r.id)).toEqual([a.body.request.id]);
      const bad = await t.request('GET', '/api/requests?status=sleeping', { token: agent.token });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.fields).toHaveProperty('status');
    });

    it('returns one request with its timeline, and 404 for an unknown one', async () => {
      const r = await post({ subject: 'Timeline', description: 'Kompressor laut' });
      const one = await t.request('GET', `/api/requests/${r.body.request.id}`, { token: agent.token });
      expect(one.status).toBe(200);
      expect(one.body.timeline).toEqual([expect.objectContaining({ kind: 'created', body: 'Kompressor laut', actorType: 'user', actorId: agent.userId })]);
      expect((await t.request('GET', `/api/requests/${crypto.randomUUID()}`, { token: agent.token })).status).toBe(404);
    });

    it('shows a customer only their organisation\'s requests, without internal notes', async () => {
      const mine = await makeCustomer(t.hub.db);
      const other = await makeCustomer(t.hub.db);
      const customer = await t.userWithRole('customer', { customerId: mine.id });
      const ours = await post({ subject: 'Ours', customerId: mine.id });
      const theirs = await post({ subject: 'Theirs', customerId: other.id });
      await t.request('POST', `/api/requests/${ours.body.request.id}/notes`, { token: agent.token, body: { body: 'intern: Kunde zahlt spät' } });
      await t.request('POST', `/api/requests/${ours.body.request.id}/notes`, { token: agent.token, body: { body: 'Techniker kommt Dienstag', isInternal: false } });
      const list = await t.request('GET', '/api/requests', { token: customer.token });
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([ours.body.request.id]);
      expect((await t.request('GET', `/api/requests/${theirs.body.request.id}`, { token: customer.token })).status).toBe(404);
      const one = await t.request('GET', `/api/requests/${ours.body.request.id}`, { token: customer.token });
      expect(one.body.timeline.map((e: { body: string }) => e.body)).toEqual(['', 'Techniker kommt Dienstag']);
    });

    it('shows a technician only requests with an order of theirs', async () => {
      const tech = await t.userWithRole('technician');
      const with_ = await post({ subject: 'Has my order' });
      await post({ subject: 'Not mine' });
      await t.hub.db.insert(serviceOrders).values({ requestId: with_.body.request.id, kind: 'corrective', priority: 'normal', technicianId: tech.userId });
      const list = await t.request('GET', '/api/requests', { token: tech.token });
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([with_.body.request.id]);
    });

    it('pages with a cursor, newest first, without repeats', async () => {
      const team = await makeTeam(t.hub.db);
      const sup = await t.userWithRole('supervisor');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await post({ subject: `Page ${i}` });
        await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: sup.token, body: { version: 1, teamId: team.id } });
        ids.unshift(r.body.request.id);
      }
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.request('GET', `/api/requests?team=${team.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: agent.token });
        got.push(...res.body.items.map((r) => r.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(got).toEqual(ids);
    });
  });

  describe('PATCH /api/requests/:id', () => {
    it('changes priority and status, bumps the version and writes the timeline', async () => {
      const r = await post({ subject: 'Change me' });
      const res = await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, priority: 'high', status: 'in_progress' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ priority: 'high', status: 'in_progress', version: 2, firstRespondedAt: expect.any(String) });
      const one = await t.request('GET', `/api/requests/${r.body.request.id}`, { token: agent.token });
      expect(one.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'priority_changed', 'status_changed']);
    });

    it('renames a request without a timeline entry (a subject-only edit)', async () => {
      const r = await post({ subject: 'Tippfehler im Betreff' });
      const res = await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, subject: 'Betreff korrigiert' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ subject: 'Betreff korrigiert', version: 2 });
      const one = await t.request('GET', `/api/requests/${r.body.request.id}`, { token: agent.token });
      expect(one.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['created']);
    });

    it('answers 409 with the current version when the caller read a stale one', async () => {
      const r = await post({ subject: 'Stale' });
      await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, priority: 'low' } });
      const res = await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, priority: 'high' } });
      expect(res.status).toBe(409);
      expect(res.body.error.details).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
    });

    it('refuses a transition the status machine does not allow and names the allowed ones', async () => {
      const r = await post({ subject: 'Jump' });
      const res = await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, status: 'closed' } });
      expect(res.status).toBe(409);
      expect(res.body.error.details).toMatchObject({ from: 'new', to: 'closed', allowed: expect.arrayContaining(['assigned', 'in_progress']) });
    });

    it('lets only a supervisor close, and only with a reason until customer feedback exists', async () => {
      const r = await post({ subject: 'Close me' });
      const id = r.body.request.id;
      await t.request('PATCH', `/api/requests/${id}`, { token: agent.token, body: { version: 1, status: 'resolved' } });
      const byAgent = await t.request('PATCH', `/api/requests/${id}`, { token: agent.token, body: { version: 2, status: 'closed', reason: 'done' } });
      expect(byAgent.status).toBe(409);
      const sup = await t.userWithRole('supervisor');
      const noReason = await t.request('PATCH', `/api/requests/${id}`, { token: sup.token, body: { version: 2, status: 'closed' } });
      expect(noReason.status).toBe(409);
      const ok = await t.request('PATCH', `/api/requests/${id}`, { token: sup.token, body: { version: 2, status: 'closed', reason: 'Kunde hat telefonisch bestätigt' } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body).toMatchObject({ status: 'closed', closeReason: 'Kunde hat telefonisch bestätigt', closedAt: expect.any(String) });
    });

    it('assigns to a team member and moves a new request to assigned', async () => {
      const team = await makeTeam(t.hub.db);
      const other = await t.userWithRole('agent');
      const r = await post({ subject: 'Assign me' });
      const notMember = await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, teamId: team.id, assigneeId: other.userId } });
      expect(notMember.status).toBe(400);
      expect(notMember.body.error.details.fields).toHaveProperty('assigneeId');
      const res = await t.request('PATCH', `/api/requests/${r.body.request.id}`, { token: agent.token, body: { version: 1, assigneeId: other.userId } });
      expect(res.body).toMatchObject({ assigneeId: other.userId, status: 'assigned', version: 2 });
    });
  });

  describe('GET /api/intake/candidates', () => {
    it('offers the open requests of the caller and of the customer\'s units', async () => {
      const customer = await makeCustomer(t.hub.db);
      const asset = await makeAsset(t.hub.db, { customerId: customer.id });
      const byPhone = await post({ subject: 'Earlier call', contact: { name: 'Ola', phone: '+48 600 100 200' }, customerId: customer.id });
      const byUnit = await post({ subject: 'Unit call', assetId: asset.id });
      const res = await t.request('GET', '/api/intake/candidates?phone=%2B48600100200', { token: agent.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.map((r: { id: string }) => r.id).sort()).toEqual([byPhone.body.request.id, byUnit.body.request.id].sort());
      // As a PBX sends the number (E.164 without the plus): the same caller.
      const pbx = await t.request('GET', '/api/intake/candidates?phone=48600100200', { token: agent.token });
      expect(pbx.body.items.map((r: { id: string }) => r.id).sort(), JSON.stringify(pbx.body)).toEqual(res.body.items.map((r: { id: string }) => r.id).sort());
      expect((await t.request('GET', '/api/intake/candidates', { token: agent.token })).status).toBe(400);
    });
  });
});
