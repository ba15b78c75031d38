import { randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, domainEvents, outbox, portalSignInTokens, requestRatings, serviceOrders, serviceRequests, teamMembers, timelineEntries, users } from '../../db/schema/index.js';
import { makeAsset, makeCustomer, makeTeam } from '../../test/support/factories.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';

const tag = () => randomBytes(4).toString('hex');

describe.each(DRIVERS)('customer portal (%s)', (driver) => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub(driver, { env: { PUBLIC_TRUST_PROXY: 'true', PUBLIC_URL: 'https://hub.example' } }); });
  afterAll(async () => { await t?.close(); });

  /** A customer organisation with a signed-in customer account, a unit and an open web request. */
  async function organisation() {
    const customer = await makeCustomer(t.hub.db);
    const user = await t.userWithRole('customer', { customerId: customer.id });
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, warrantyUntil: '2099-12-31' });
    const res = await t.request('POST', '/api/public/requests', {
      body: { subject: `Kühlzelle ${tag()}`, name: 'Kunde', email: `k.${tag()}@example.com`, serialNumber: asset.serialNumber },
      headers: { 'x-forwarded-for': `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}` },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const requestId: string = res.body.result.requestId;
    const [order] = await t.hub.db.insert(serviceOrders).values({
      requestId, kind: 'corrective', priority: 'normal', status: 'completed', completedAt: new Date(), description: 'Verdichter getauscht',
    }).returning();
    return { customer, user, asset, requestId, order: order!, trackingToken: new URL(res.body.trackingUrl).pathname.split('/').pop()! };
  }
  const as = (token: string) => ({ token });

  describe('sign-in by emailed link', () => {
    const linkOf = async (email: string) => {
      const [m] = await t.hub.db.select().from(outbox).where(and(eq(outbox.toAddress, email), eq(outbox.template, 'portal_sign_in'))).orderBy(desc(outbox.createdAt)).limit(1);
      return m ? /\/portal\/sign-in\/([\w-]+)/.exec(m.text)?.[1] ?? null : null;
    };
    const ask = (email: string) => t.request('POST', '/api/public/portal/magic-link', { body: { email }, headers: { 'x-forwarded-for': `10.8.${randomBytes(1)[0]}.${randomBytes(1)[0]}` } });

    it('mails a one-time link through the outbox that opens a customer session once', async () => {
      const org = await organisation();
      const [u] = await t.hub.db.select().from(users).where(eq(users.id, org.user.userId));
      const res = await ask(u!.email.toUpperCase());
      expect(res.status).toBe(202);
      // The link goes to the address on the account, however it was typed.
      const token = await linkOf(u!.email);
      expect(token).toBeTruthy();
      const [mail] = await t.hub.db.select().from(outbox).where(eq(outbox.toAddress, u!.email));
      expect(mail!.text).toContain(`https://hub.example/portal/sign-in/${token}`);
      const signIn = await t.request('POST', '/api/public/portal/sign-in', { body: { token } });
      expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
      expect(signIn.headers.get('set-cookie')).toMatch(/hub_session=hs_/);
      const mine = await t.request('GET', '/api/portal/requests', as(signIn.body.token));
      expect(mine.body.items.map((r: { id: string }) => r.id)).toEqual([org.requestId]);
      const again = await t.request('POST', '/api/public/portal/sign-in', { body: { token } });
      expect(again.status).toBe(401);
      expect(again.body.error.message).toMatch(/used already or has expired/);
    });

    it('refuses an expired link', async () => {
      const org = await organisation();
      const [u] = await t.hub.db.select().from(users).where(eq(users.id, org.user.userId));
      await ask(u!.email);
      const token = await linkOf(u!.email);
      await t.hub.db.update(portalSignInTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(portalSignInTokens.userId, org.user.userId));
      expect((await t.request('POST', '/api/public/portal/sign-in', { body: { token } })).status).toBe(401);
    });

    it('answers the same for unknown and staff addresses and mails nothing, and makes an account for a customer contact', async () => {
      const stranger = `nobody.${tag()}@example.com`;
      const staff = await t.userWithRole('agent');
      const [agent] = await t.hub.db.select().from(users).where(eq(users.id, staff.userId));
      for (const email of [stranger, agent!.email]) {
        const res = await ask(email);
        expect(res.status).toBe(202);
        expect(await linkOf(email)).toBeNull();
      }
      const customer = await makeCustomer(t.hub.db);
      const email = `einkauf.${tag()}@example.com`;
      await t.hub.db.insert(contacts).values({ customerId: customer.id, name: 'Petra Einkauf', email });
      await ask(email);
      const token = await linkOf(email);
      const signIn = await t.request('POST', '/api/public/portal/sign-in', { body: { token } });
      expect(signIn.status).toBe(200);
      const me = await t.request('GET', '/api/portal/me', as(signIn.body.token));
      expect(me.body).toMatchObject({ kind: 'customer', name: 'Petra Einkauf', organisation: customer.name });
    });
  });

  describe('two customers', () => {
    it('neither reads, remarks on, accepts nor rates the other\'s requests by guessing ids (404)', async () => {
      const a = await organisation();
      const b = await organisation();
      const asB = as(b.user.token);
      expect((await t.request('GET', `/api/portal/requests/${a.requestId}`, asB)).status).toBe(404);
      expect((await t.request('POST', `/api/portal/requests/${a.requestId}/remarks`, { ...asB, body: { body: 'hallo' } })).status).toBe(404);
      expect((await t.request('POST', `/api/portal/orders/${a.order.id}/accept`, { ...asB, body: { version: 1 } })).status).toBe(404);
      expect((await t.request('POST', `/api/portal/orders/${a.order.id}/reject`, { ...asB, body: { version: 1, reason: 'x' } })).status).toBe(404);
      expect((await t.request('POST', `/api/portal/requests/${a.requestId}/rating`, { ...asB, body: { score: 1 } })).status).toBe(404);
      expect((await t.request('POST', '/api/portal/complaints', { ...asB, body: { subject: 'x', requestId: a.requestId } })).status).toBe(400);
      const list = await t.request('GET', '/api/portal/requests', asB);
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([b.requestId]);
      expect((await t.request('GET', '/api/portal/orders', asB)).body.items.map((o: { id: string }) => o.id)).toEqual([b.order.id]);
      expect((await t.request('GET', '/api/portal/assets', asB)).body.items.map((x: { id: string }) => x.id)).toEqual([b.asset.id]);
      // The same through the console's API: customers see their organisation only there too.
      expect((await t.request('GET', `/api/requests/${a.requestId}`, asB)).status).toBe(404);
      // A tracking link opens its own request only; a forged one opens nothing.
      const byLink = { headers: { 'x-tracking-token': b.trackingToken } };
      expect((await t.request('GET', `/api/portal/requests/${b.requestId}`, byLink)).status).toBe(200);
      expect((await t.request('GET', `/api/portal/requests/${a.requestId}`, byLink)).status).toBe(404);
      expect((await t.request('POST', `/api/portal/orders/${a.order.id}/accept`, { ...byLink, body: { version: 1 } })).status).toBe(404);
      const forged = `${a.requestId}.${b.trackingToken.split('.')[1]}`;
      expect((await t.request('GET', `/api/portal/requests/${a.requestId}`, { headers: { 'x-tracking-token': forged } })).status).toBe(401);
      expect((await t.request('GET', '/api/portal/requests')).status).toBe(401);
      expect((await t.request('GET', '/api/portal/requests', as(t.adminToken))).status).toBe(403);
      const [unchanged] = await t.hub.db.select().from(serviceOrders).where(eq(serviceOrders.id, a.order.id));
      expect(unchanged!.status).toBe('completed');
    });
  });

  it('accepts completed work through the order state machine, which lets a supervisor close the request without an override', async () => {
    const a = await organisation();
    const stale = await t.request('POST', `/api/portal/orders/${a.order.id}/accept`, { ...as(a.user.token), body: { version: 7 } });
    expect(stale.status).toBe(409);
    const res = await t.request('POST', `/api/portal/orders/${a.order.id}/accept`, { ...as(a.user.token), body: { version: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', acceptedVia: 'portal', canDecide: false });
    const twice = await t.request('POST', `/api/portal/orders/${a.order.id}/accept`, { ...as(a.user.token), body: { version: 2 } });
    expect(twice.status).toBe(409);
    const events = await t.hub.db.select().from(domainEvents).where(eq(domainEvents.type, 'order.status_changed'));
    expect(events.some((e) => JSON.stringify(e.payload).includes(a.order.id) && e.rooms.includes(`request:${a.requestId}`))).toBe(true);
    const req = await t.request('GET', `/api/requests/${a.requestId}`, as(t.adminToken));
    const resolved = await t.request('PATCH', `/api/requests/${a.requestId}`, { ...as(t.adminToken), body: { version: req.body.version, status: 'resolved' } });
    // No reason needed: the acceptance is the customer's feedback (DESIGN.md).
    const closed = await t.request('PATCH', `/api/requests/${a.requestId}`, { ...as(t.adminToken), body: { version: resolved.body.version, status: 'closed' } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  });

  it('rejects completed work with a reason, which sends the order back to the dispatcher', async () => {
    const a = await organisation();
    const team = await makeTeam(t.hub.db);
    const dispatcher = await t.userWithRole('dispatcher');
    await t.hub.db.insert(teamMembers).values({ teamId: team.id, userId: dispatcher.userId });
    await t.hub.db.update(serviceRequests).set({ teamId: team.id }).where(eq(serviceRequests.id, a.requestId));
    const noReason = await t.request('POST', `/api/portal/orders/${a.order.id}/reject`, { ...as(a.user.token), body: { version: 1 } });
    expect(noReason.status).toBe(400);
    const res = await t.request('POST', `/api/portal/orders/${a.order.id}/reject`, { headers: { 'x-tracking-token': a.trackingToken }, body: { version: 1, reason: 'Vitrine kühlt immer noch nicht' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('rejected');
    const order = await t.request('GET', `/api/orders/${a.order.id}`, as(t.adminToken));
    expect(order.body.allowedTransitions).toEqual(expect.arrayContaining(['planned']));
    const detail = await t.request('GET', `/api/portal/requests/${a.requestId}`, as(a.user.token));
    expect(detail.body.timeline.some((e: { kind: string; body: string }) => e.kind === 'order' && e.body.includes('Vitrine kühlt immer noch nicht'))).toBe(true);
    const [d] = await t.hub.db.select().from(users).where(eq(users.id, dispatcher.userId));
    const mails = await t.hub.db.select().from(outbox).where(and(eq(outbox.toAddress, d!.email), eq(outbox.template, 'work_rejected')));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Vitrine kühlt immer noch nicht');
    expect(mails[0]!.subject).toContain(`rejected the work on WO-`);
  });

  it('shows the timeline without internal notes, takes remarks that reach the console, and files complaints', async () => {
    const a = await organisation();
    await t.request('POST', `/api/requests/${a.requestId}/notes`, { ...as(t.adminToken), body: { body: 'Kunde zahlt schlecht', isInternal: true } });
    await t.request('POST', `/api/requests/${a.requestId}/notes`, { ...as(t.adminToken), body: { body: 'Techniker kommt Dienstag', isInternal: false } });
    const remark = await t.request('POST', `/api/portal/requests/${a.requestId}/remarks`, { ...as(a.user.token), body: { body: 'Bitte vor 10 Uhr kommen' } });
    expect(remark.status, JSON.stringify(remark.body)).toBe(201);
    const detail = await t.request('GET', `/api/portal/requests/${a.requestId}`, as(a.user.token));
    const bodies = detail.body.timeline.map((e: { body: string }) => e.body);
    expect(bodies).toEqual(expect.arrayContaining(['Techniker kommt Dienstag', 'Bitte vor 10 Uhr kommen']));
    expect(bodies).not.toContain('Kunde zahlt schlecht');
    expect(detail.body.orders).toEqual([expect.objectContaining({ id: a.order.id, canDecide: true })]);
    const staffView = await t.request('GET', `/api/requests/${a.requestId}`, as(t.adminToken));
    expect(staffView.body.timeline.find((e: { body: string }) => e.body === 'Bitte vor 10 Uhr kommen')).toMatchObject({ isInternal: false, actorType: 'user', actorId: a.user.userId });
    const logged = await t.hub.db.select().from(domainEvents).where(eq(domainEvents.type, 'request.timeline_added'));
    expect(logged.some((e) => JSON.stringify(e.payload).includes('Bitte vor 10 Uhr kommen'))).toBe(true);

    // A remark with a photo, through the tracking link (multipart: the remark in `data`, then files).
    const form = new FormData();
    form.set('data', JSON.stringify({ body: 'Foto vom Typenschild' }));
    form.append('attachments', new Blob([Buffer.from('jpeg-bytes')], { type: 'image/jpeg' }), 'typenschild.jpg');
    const withFile = await t.hub.app.request(`/api/portal/requests/${a.requestId}/remarks`, { method: 'POST', body: form, headers: { 'x-tracking-token': a.trackingToken } });
    const withFileBody = await withFile.json();
    expect(withFile.status, JSON.stringify(withFileBody)).toBe(201);
    expect(withFileBody).toMatchObject({ actorType: 'customer', isInternal: false, data: { remark: true, via: 'tracking_link', attachments: [expect.objectContaining({ filename: 'typenschild.jpg', size: 10 })] } });

    // Through the tracking link too: the complaint belongs to the request's customer and unit.
    const byLink = await t.request('POST', '/api/portal/complaints', { headers: { 'x-tracking-token': a.trackingToken }, body: { subject: 'Termin verpasst' } });
    expect(byLink.status, JSON.stringify(byLink.body)).toBe(201);
    const [viaLink] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, byLink.body.result.requestId));
    expect(viaLink).toMatchObject({ type: 'complaint', customerId: a.customer.id, assetId: a.asset.id });
    const complaint = await t.request('POST', '/api/portal/complaints', { ...as(a.user.token), body: { subject: 'Techniker unfreundlich', requestId: a.requestId } });
    expect(complaint.status, JSON.stringify(complaint.body)).toBe(201);
    expect(complaint.body.result.kind).toBe('created');
    const [c] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, complaint.body.result.requestId));
    expect(c).toMatchObject({ type: 'complaint', channel: 'web', customerId: a.customer.id, assetId: a.asset.id });
  });

  it('lists with filters and a date range, and takes a rating once the request is resolved', async () => {
    const a = await organisation();
    await t.request('POST', '/api/portal/complaints', { ...as(a.user.token), body: { subject: `Beschwerde ${randomUUID()}` } });
    const q = (query: string) => t.request('GET', `/api/portal/requests?${query}`, as(a.user.token)).then((r) => r.body.items.map((x: { type: string }) => x.type).sort());
    expect(await q('')).toEqual(['complaint', 'request']);
    expect(await q('type=complaint')).toEqual(['complaint']);
    expect(await q('status=open')).toEqual(['complaint', 'request']);
    expect(await q('status=done')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await q(`from=${today}&to=${today}`)).toEqual(['complaint', 'request']);
    expect(await q('from=2001-01-01&to=2001-12-31')).toEqual([]);
    expect((await t.request('GET', '/api/portal/requests?from=yesterday', as(a.user.token))).status).toBe(400);
    const first = await t.request('GET', '/api/portal/requests?limit=1', as(a.user.token));
    expect(first.body.items).toHaveLength(1);
    const second = await t.request('GET', `/api/portal/requests?limit=1&cursor=${first.body.nextCursor}`, as(a.user.token));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(second.body.nextCursor).toBeNull();

    const early = await t.request('POST', `/api/portal/requests/${a.requestId}/rating`, { ...as(a.user.token), body: { score: 5 } });
    expect(early.status).toBe(409);
    await t.hub.db.update(serviceRequests).set({ status: 'resolved' }).where(eq(serviceRequests.id, a.requestId));
    const rated = await t.request('POST', `/api/portal/requests/${a.requestId}/rating`, { ...as(a.user.token), body: { score: 4, comment: 'Schnell, aber laut' } });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    const [row] = await t.hub.db.select().from(requestRatings).where(eq(requestRatings.requestId, a.requestId));
    expect(row).toMatchObject({ score: 4, comment: 'Schnell, aber laut', ratedBy: a.user.userId });
    expect((await t.request('GET', `/api/portal/requests/${a.requestId}`, as(a.user.token))).body.rating).toEqual({ score: 4, comment: 'Schnell, aber laut' });
    const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, a.requestId));
    expect(entries.some((e) => e.data.rating === 4)).toBe(true);
  });
});
