import { lte } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents, serviceOrders, teamMembers } from '../../db/schema/index.js';
import { makeCustomer, makeTeam } from '../../test/support/factories.js';
import { connectSocket, dropAdapterStream, type TestSocket } from '../../test/support/sockets.js';
import { TEST_REDIS_URL } from '../../test/support/env.js';
import { startTestHub, type Driver, type TestHub } from '../../test/support/test-hub.js';
import { lastEventSeq } from '../events/event-log.js';
import { updateRequest } from '../requests/service.js';

// The same behaviour in every mode: embedded (PGlite, in-memory adapter), PostgreSQL, and
// PostgreSQL with the Redis streams adapter (REDIS_URL set; unique key prefix per hub).
const MODES: Array<[string, Driver, boolean]> = [
  ['pglite, in-memory adapter', 'pglite', false],
  ['postgres, in-memory adapter', 'postgres', false],
  ['postgres, redis streams adapter', 'postgres', true],
];

describe.each(MODES)('realtime (%s)', (_label, driver, isRedis) => {
  let t: TestHub;
  let url: string;
  let teamId: string;
  let agent: { token: string; userId: string };
  const sockets: TestSocket[] = [];
  const open = async (token: string) => { const s = await connectSocket(url, { token }); sockets.push(s); return s; };
  const createRequest = async (subject: string, extra: Record<string, unknown> = {}) => {
    const res = await t.request('POST', '/api/requests', { token: agent.token, body: { subject, ...extra } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.request as { id: string; version: number; number: string };
  };

  beforeAll(async () => {
    t = await startTestHub(driver, { isHttp: true, isRedis });
    url = `http://127.0.0.1:${t.hub.httpPort}`;
    teamId = (await makeTeam(t.hub.db, { isDefault: true })).id;
    agent = await t.userWithRole('agent', { name: 'Anna Agent' });
    await t.hub.db.insert(teamMembers).values({ teamId, userId: agent.userId });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
    if (isRedis && t) await dropAdapterStream(TEST_REDIS_URL, t.hub.config.queuePrefix);
  });

  describe('authentication', () => {
    it('refuses a socket without a token or with a forged one', async () => {
      await expect(connectSocket(url)).rejects.toThrow('unauthorized');
      await expect(connectSocket(url, { token: 'hs_forged' })).rejects.toThrow('unauthorized');
    });

    it('takes the session cookie as the API does', async () => {
      const s = await connectSocket(url, { cookie: `other=1; hub_session=${agent.token}` });
      sockets.push(s);
      expect((await s.subscribe({ rooms: [`queue:${teamId}`] })).ok).toBe(true);
      const sameOrigin = await connectSocket(url, { cookie: `hub_session=${agent.token}`, origin: url });
      sockets.push(sameOrigin);
    });

    it('ignores the cookie when another site\'s page opens the socket', async () => {
      await expect(connectSocket(url, { cookie: `hub_session=${agent.token}`, origin: 'https://evil.example' })).rejects.toThrow('unauthorized');
    });

    it('drops a socket whose session ended (sign-out)', async () => {
      const someone = await t.userWithRole('agent');
      const s = await open(someone.token);
      const stays = await open(agent.token);
      expect((await t.request('POST', '/api/auth/logout', { token: someone.token })).status).toBe(204);
      expect(await t.hub.realtime!.revalidate()).toBe(1);
      await expect.poll(() => s.socket.connected, { timeout: 10_000 }).toBe(false);
      expect(stays.socket.connected).toBe(true);
    });
  });

  describe('room authorisation', () => {
    it('denies a technician and a customer every queue room, and grants them their own rooms', async () => {
      const tech = await t.userWithRole('technician');
      const customer = await makeCustomer(t.hub.db);
      const cust = await t.userWithRole('customer', { customerId: customer.id });
      const ts = await open(tech.token);
      const cs = await open(cust.token);
      const techAck = await ts.subscribe({ rooms: [`queue:${teamId}`, 'queue:unrouted', 'dispatch', 'alarms', `technician:${tech.userId}`] });
      expect(techAck).toMatchObject({ ok: true, granted: [`technician:${tech.userId}`] });
      if (!techAck.ok) throw new Error('unreachable');
      expect(techAck.denied.map((d) => d.room).sort()).toEqual(['alarms', 'dispatch', `queue:${teamId}`, 'queue:unrouted'].sort());
      const custAck = await cs.subscribe({ rooms: [`queue:${teamId}`, `customer:${customer.id}`] });
      expect(custAck).toMatchObject({ ok: true, granted: [`customer:${customer.id}`], denied: [{ room: `queue:${teamId}` }] });
      // Nothing of the queue reaches them.
      const r = await createRequest('Nur für die Queue');
      const watcher = await open(agent.token);
      await watcher.subscribe({ rooms: [`request:${r.id}`], afterSeq: 0 });
      expect(ts.events.concat(cs.events).filter((e) => e.rooms.includes(`queue:${teamId}`))).toEqual([]);
    });

    it('grants a request room only when the request is visible to the caller', async () => {
      const tech = await t.userWithRole('technician');
      const mine = await createRequest('Mit meinem Auftrag');
      const other = await createRequest('Ohne Auftrag');
      await t.hub.db.insert(serviceOrders).values({ requestId: mine.id, kind: 'corrective', priority: 'normal', technicianId: tech.userId });
      const s = await open(tech.token);
      const ack = await s.subscribe({ rooms: [`request:${mine.id}`, `request:${other.id}`] });
      expect(ack).toMatchObject({ ok: true, granted: [`request:${mine.id}`], denied: [{ room: `request:${other.id}` }] });
    });

    it('keeps an agent out of another team\'s queue', async () => {
      const otherTeam = await makeTeam(t.hub.db);
      const s = await open(agent.token);
      const ack = await s.subscribe({ rooms: [`queue:${otherTeam.id}`] });
      expect(ack).toMatchObject({ ok: true, granted: [], denied: [{ room: `queue:${otherTeam.id}`, reason: 'not a member of this team' }] });
    });

    it('rejects a malformed subscribe with a reason', async () => {
      const s = await open(agent.token);
      expect(await s.subscribe({ rooms: ['~live'] } as never)).toMatchObject({ ok: false });
    });
  });

  describe('live events', () => {
    it('delivers a committed change to the queue room, numbered and in order', async () => {
      const s = await open(agent.token);
      const ack = await s.subscribe({ rooms: [`queue:${teamId}`] });
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      const r = await createRequest('Live');
      await expect.poll(() => s.events.find((e) => e.type === 'request.created' && e.data.id === r.id), { timeout: 10_000 }).toBeTruthy();
      const seqs = s.events.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.every((q) => q > ack.upTo)).toBe(true);
    });

    it('replays exactly what a console missed while disconnected, from the event log', async () => {
      const first = await open(agent.token);
      await first.subscribe({ rooms: [`queue:${teamId}`] });
      const before = await createRequest('Vor der Trennung');
      await expect.poll(() => first.events.some((e) => e.type === 'request.created' && e.data.id === before.id), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => first.upTo, { timeout: 10_000 }).toBeGreaterThanOrEqual(first.events.at(-1)!.seq);
      const resumeFrom = first.upTo;
      first.close();

      const missed = [await createRequest('Verpasst 1'), await createRequest('Verpasst 2')];
      await t.request('PATCH', `/api/requests/${missed[0]!.id}`, { token: agent.token, body: { version: 1, priority: 'high' } });
      // An event for a room the console is not in must not be replayed to it.
      const foreign = await makeTeam(t.hub.db);
      const sup = await t.userWithRole('supervisor');
      const elsewhere = await createRequest('Anderswo');
      await t.request('PATCH', `/api/requests/${elsewhere.id}`, { token: sup.token, body: { version: 1, teamId: foreign.id } });
      const last = await lastEventSeq(t.hub.db);

      const again = await open(agent.token);
      const ack = await again.subscribe({ rooms: [`queue:${teamId}`], afterSeq: resumeFrom });
      expect(ack).toMatchObject({ ok: true, isReloadNeeded: false });
      const expected = (await t.hub.db.select().from(domainEvents))
        .filter((e) => e.seq > resumeFrom && e.seq <= last && e.rooms.includes(`queue:${teamId}`))
        .map((e) => e.seq).sort((a, b) => a - b);
      await expect.poll(() => again.events.filter((e) => e.seq <= last).map((e) => e.seq), { timeout: 10_000 }).toEqual(expected);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      expect(again.events.some((e) => e.type === 'request.created' && e.data.id === missed[1]!.id)).toBe(true);
      expect(again.events.some((e) => e.type === 'request.updated' && e.data.request.id === missed[0]!.id && e.data.request.priority === 'high')).toBe(true);

      // And then it is live again, without a gap.
      const after = await createRequest('Nach dem Wiederverbinden');
      await expect.poll(() => again.events.some((e) => e.type === 'request.created' && e.data.id === after.id), { timeout: 10_000 }).toBe(true);
    });

    it('tells a console to reload a snapshot when what it missed was pruned', async () => {
      await createRequest('Alt');
      const oldest = await lastEventSeq(t.hub.db);
      await createRequest('Neuer');
      await t.hub.db.delete(domainEvents).where(lte(domainEvents.seq, oldest));
      const s = await open(agent.token);
      const ack = await s.subscribe({ rooms: [`queue:${teamId}`], afterSeq: oldest - 5 });
      expect(ack).toMatchObject({ ok: true, isReloadNeeded: true });
      expect(s.reloads).toEqual([expect.objectContaining({ reason: 'pruned', rooms: [`queue:${teamId}`] })]);
      const r = await createRequest('Live nach dem Reload');
      await expect.poll(() => s.events.some((e) => e.type === 'request.created' && e.data.id === r.id), { timeout: 10_000 }).toBe(true);
    });

    it('accepts afterSeq only on the first subscribe of a connection', async () => {
      const s = await open(agent.token);
      await s.subscribe({ rooms: [`queue:${teamId}`] });
      expect(await s.subscribe({ rooms: ['alarms'], afterSeq: 1 })).toMatchObject({ ok: false });
    });
  });

  describe('bursts', () => {
    it('coalesces a burst of updates of one request to one per window, and loses no timeline entry', async () => {
      const r = await createRequest('Sturm');
      const s = await open(agent.token);
      await s.subscribe({ rooms: [`request:${r.id}`] });
      const principal = { kind: 'user' as const, id: agent.userId, role: 'agent' as const, userId: agent.userId, customerId: null, sessionId: null };
      const N = 30;
      const started = performance.now();
      for (let i = 0; i < N; i++) {
        await updateRequest(t.hub.db, t.hub.bus, principal, r.id, { version: i + 1, priority: i % 2 ? 'low' : 'high' });
      }
      const elapsed = performance.now() - started;
      const mine = () => s.events.filter((e) => (e.type === 'request.updated' && e.data.request.id === r.id));
      await expect.poll(() => mine().at(-1)?.type === 'request.updated' && mine().at(-1)!.data, { timeout: 10_000 }).toMatchObject({ request: { version: N + 1 } });
      await expect.poll(() => s.events.filter((e) => e.type === 'request.timeline_added' && e.data.requestId === r.id).length, { timeout: 10_000 }).toBe(N);
      // At most one update per 100 ms window (plus the first, sent at once), never all of them.
      expect(mine().length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
      expect(mine().length).toBeLessThan(N);
      const metrics = (await t.request('GET', '/metrics')).body as string;
      expect(Number(/^hub_realtime_updates_superseded_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(Number(/^hub_realtime_sockets (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    });
  });

  describe('customers', () => {
    const note = (id: string, body: string, isInternal: boolean) => t.request('POST', `/api/requests/${id}/notes`, { token: agent.token, body: { body, isInternal } });

    it('tells a customer\'s socket which of its requests changed, never the staff\'s events or an internal note', async () => {
      const customer = await makeCustomer(t.hub.db);
      const r = await createRequest('Kühlregal tropft', { customerId: customer.id });
      const cust = await t.userWithRole('customer', { customerId: customer.id });
      const cs = await open(cust.token);
      const watcher = await open(agent.token);
      // from the log's position now: what was committed before cannot arrive late and be counted
      const from = await lastEventSeq(t.hub.db);
      expect(await cs.subscribe({ rooms: [`customer:${customer.id}`, `request:${r.id}`], afterSeq: from })).toMatchObject({ ok: true, granted: [`customer:${customer.id}`, `request:${r.id}`] });
      await watcher.subscribe({ rooms: [`request:${r.id}`] });
      expect((await note(r.id, 'Intern: Kunde zahlt spät', true)).status).toBe(201);
      // the staff's socket has it; the customer's is told nothing of it
      await expect.poll(() => watcher.events.some((e) => e.type === 'request.timeline_added' && e.data.body === 'Intern: Kunde zahlt spät'), { timeout: 10_000 }).toBe(true);
      expect((await note(r.id, 'Techniker kommt morgen', false)).status).toBe(201);
      await expect.poll(() => cs.changes.length, { timeout: 10_000 }).toBe(1);
      expect(cs.changes[0]!.requestIds).toEqual([r.id]);
      expect(cs.events).toEqual([]);
      expect(JSON.stringify(cs.changes)).not.toContain('Intern');
      // A change that reaches it through the organisation's room only names no request.
      const other = await createRequest('Zweites Gerät', { customerId: customer.id });
      await expect.poll(() => cs.changes.length, { timeout: 10_000 }).toBe(2);
      expect(cs.changes[1]!.requestIds).toEqual([]);
      expect(JSON.stringify(cs.changes)).not.toContain(other.id);
    });

    it('replays to a returning customer as a change, not as events', async () => {
      const customer = await makeCustomer(t.hub.db);
      const r = await createRequest('Display dunkel', { customerId: customer.id });
      const cust = await t.userWithRole('customer', { customerId: customer.id });
      const from = await lastEventSeq(t.hub.db);
      expect((await note(r.id, 'Intern: Ersatzteil bestellt', true)).status).toBe(201);
      expect((await note(r.id, 'Ersatzteil ist unterwegs', false)).status).toBe(201);
      const cs = await open(cust.token);
      expect(await cs.subscribe({ rooms: [`request:${r.id}`], afterSeq: from })).toMatchObject({ ok: true, isReloadNeeded: false });
      await expect.poll(() => cs.changes.length, { timeout: 10_000 }).toBe(1);
      expect(cs.changes[0]!.requestIds).toEqual([r.id]);
      expect(cs.events).toEqual([]);
    });

    it('lets a tracking link\'s socket follow its own request and nothing else', async () => {
      const res = await t.request('POST', '/api/public/requests', { body: { subject: 'Eismaschine laut', name: 'Kundin', email: `track.${Date.now()}@example.com` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const requestId: string = res.body.result.requestId;
      const token = new URL(res.body.trackingUrl).pathname.split('/').pop()!;
      const customer = await makeCustomer(t.hub.db);
      const someoneElses = await createRequest('Fremde Anfrage', { customerId: customer.id });
      const s = await connectSocket(url, { tracking: token });
      sockets.push(s);
      const ack = await s.subscribe({ rooms: [`request:${requestId}`, `request:${someoneElses.id}`, `customer:${customer.id}`, `queue:${teamId}`, 'alarms'], afterSeq: await lastEventSeq(t.hub.db) });
      expect(ack).toMatchObject({ ok: true, granted: [`request:${requestId}`] });
      if (!ack.ok) throw new Error('unreachable');
      expect(ack.denied).toHaveLength(4);
      await t.hub.realtime!.revalidate();
      expect(s.socket.connected).toBe(true);
      expect((await note(requestId, 'Intern: Lager prüfen', true)).status).toBe(201);
      expect((await note(requestId, 'Wir melden uns heute', false)).status).toBe(201);
      expect((await note(someoneElses.id, 'Nicht für Sie', false)).status).toBe(201);
      await expect.poll(() => s.changes.length, { timeout: 10_000 }).toBe(1);
      expect(s.changes[0]!.requestIds).toEqual([requestId]);
      expect(s.events).toEqual([]);
      // a token for another request made from this one's MAC is not a key
      const forged = `${someoneElses.id}.${token.split('.')[1]}`;
      await expect(connectSocket(url, { tracking: forged })).rejects.toThrow('unauthorized');
    });
  });

  describe('presence', () => {
    it('shows who else has a request open, and drops a viewer who leaves', async () => {
      const customer = await makeCustomer(t.hub.db);
      const r = await createRequest('Wer schaut?', { customerId: customer.id });
      const bert = await t.userWithRole('agent', { name: 'Bert Berater' });
      const portalUser = await t.userWithRole('customer', { customerId: customer.id, name: 'Kundin Klara' });
      const a = await open(agent.token);
      const b = await open(bert.token);
      const c = await open(portalUser.token);
      expect(await c.subscribe({ rooms: [`request:${r.id}`] })).toMatchObject({ ok: true, granted: [`request:${r.id}`] });
      await a.subscribe({ rooms: [`request:${r.id}`] });
      await b.subscribe({ rooms: [`request:${r.id}`] });
      const names = (s: TestSocket) => s.presence.filter((p) => p.requestId === r.id).at(-1)?.viewers.map((v) => v.name);
      // Staff see each other; the customer following the request neither appears nor is told.
      await expect.poll(() => names(a), { timeout: 10_000 }).toEqual(['Anna Agent', 'Bert Berater']);
      b.close();
      await expect.poll(() => names(a), { timeout: 10_000 }).toEqual(['Anna Agent']);
      expect(c.presence).toEqual([]);
    });
  });
});
