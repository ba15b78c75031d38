import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents, serviceRequests, teamMembers, timelineEntries, timers } from '../../db/schema/index.js';
import { makeAsset, makeContract, makeCustomer, makeTeam } from '../../test/support/factories.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { lastEventSeq } from '../events/event-log.js';

describe.each(DRIVERS)('request actions (%s)', (driver) => {
  let t: TestHub;
  let teamId: string;
  let anna: { token: string; userId: string };
  let bert: { token: string; userId: string };
  const create = async (subject: string, extra: Record<string, unknown> = {}) => {
    const res = await t.request('POST', '/api/requests', { token: anna.token, body: { subject, ...extra } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.request as { id: string; version: number; number: string; customerId: string | null };
  };
  const eventsSince = async (seq: number) => t.hub.db.select().from(domainEvents).where(gt(domainEvents.seq, seq));

  beforeAll(async () => {
    t = await startTestHub(driver);
    teamId = (await makeTeam(t.hub.db, { isDefault: true })).id;
    anna = await t.userWithRole('agent', { name: 'Anna Agent' });
    bert = await t.userWithRole('agent', { name: 'Bert Berater' });
    await t.hub.db.insert(teamMembers).values([{ teamId, userId: anna.userId }, { teamId, userId: bert.userId }]);
  });
  afterAll(async () => { await t?.close(); });

  describe('claim', () => {
    it('gives one of two simultaneous claims the request and the other 409 naming the holder', async () => {
      const r = await create('Wer zuerst kommt');
      const [a, b] = await Promise.all([anna, bert].map((u) => t.request('POST', `/api/requests/${r.id}/claim`, { token: u.token, body: { version: r.version } })));
      const statuses = [a!.status, b!.status].sort();
      expect(statuses, JSON.stringify([a!.body, b!.body])).toEqual([200, 409]);
      const won = a!.status === 200 ? a! : b!;
      const lost = a!.status === 200 ? b! : a!;
      const winner = won === a ? anna : bert;
      expect(won.body).toMatchObject({ assigneeId: winner.userId, status: 'assigned', version: r.version + 1 });
      expect(lost.body.error).toMatchObject({
        code: 'CONFLICT', details: { assignee: { id: winner.userId, name: winner === anna ? 'Anna Agent' : 'Bert Berater' }, currentVersion: r.version + 1 },
      });
      const [row] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, r.id));
      expect(row).toMatchObject({ assigneeId: winner.userId, status: 'assigned' });
    });

    it('answers a claim of my own request with the request, and a stale version with 409', async () => {
      const r = await create('Schon meins');
      const first = await t.request('POST', `/api/requests/${r.id}/claim`, { token: anna.token, body: { version: 1 } });
      expect(first.status).toBe(200);
      expect((await t.request('POST', `/api/requests/${r.id}/claim`, { token: anna.token, body: { version: 1 } })).status).toBe(200);
      const other = await create('Geändert');
      await t.request('PATCH', `/api/requests/${other.id}`, { token: anna.token, body: { version: 1, priority: 'high' } });
      const stale = await t.request('POST', `/api/requests/${other.id}/claim`, { token: bert.token, body: { version: 1 } });
      expect(stale.status).toBe(409);
      expect(stale.body.error.details).toEqual({ assignee: null, currentVersion: 2 });
    });

    it('is refused to a technician', async () => {
      const r = await create('Kein Techniker');
      const tech = await t.userWithRole('technician');
      expect((await t.request('POST', `/api/requests/${r.id}/claim`, { token: tech.token, body: { version: 1 } })).status).toBe(403);
    });
  });

  it('escalates with a reason onto the timeline, and emits request.updated', async () => {
    const r = await create('Eskalieren');
    const before = await lastEventSeq(t.hub.db);
    const res = await t.request('POST', `/api/requests/${r.id}/escalate`, { token: anna.token, body: { version: 1, reason: 'Kunde droht mit Kündigung' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'escalated', version: 2 });
    const entries = await t.hub.db.select().from(timelineEntries).where(and(eq(timelineEntries.requestId, r.id), eq(timelineEntries.kind, 'status_changed')));
    expect(entries).toEqual([expect.objectContaining({ body: 'Kunde droht mit Kündigung', data: { from: 'new', to: 'escalated' } })]);
    expect((await eventsSince(before)).map((e) => e.type)).toContain('request.updated');
    expect((await t.request('POST', `/api/requests/${r.id}/escalate`, { token: anna.token, body: { version: 2 } })).status).toBe(400);
  });

  it('links a unit and decides warranty and contract again', async () => {
    const customer = await makeCustomer(t.hub.db);
    const contract = await makeContract(t.hub.db, customer.id);
    const asset = await makeAsset(t.hub.db, { customerId: customer.id, contractId: contract.id, warrantyUntil: '2000-01-01' });
    const r = await create('Welche Anlage?', { customerId: customer.id });
    const res = await t.request('POST', `/api/requests/${r.id}/asset`, { token: anna.token, body: { version: 1, assetId: asset.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ assetId: asset.id, contractId: contract.id, warranty: 'under_contract', version: 2 });
    const foreign = await makeAsset(t.hub.db);
    const bad = await t.request('POST', `/api/requests/${r.id}/asset`, { token: anna.token, body: { version: 2, assetId: foreign.id } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toHaveProperty('assetId');
  });

  it('merges a duplicate into the survivor: closed, pointing to it, timers cancelled, history on both', async () => {
    const customer = await makeCustomer(t.hub.db);
    const survivor = await create('Heizung aus', { customerId: customer.id });
    const dup = await create('Heizung geht nicht', { customerId: customer.id });
    const before = await lastEventSeq(t.hub.db);
    const res = await t.request('POST', `/api/requests/${dup.id}/merge`, { token: anna.token, body: { version: 1, intoId: survivor.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.merged).toMatchObject({ id: dup.id, status: 'closed', mergedIntoId: survivor.id, closeReason: `merged into ${survivor.number}` });
    expect(res.body.into).toMatchObject({ id: survivor.id, number: survivor.number, status: 'new', version: 2 });
    const pending = await t.hub.db.select().from(timers).where(eq(timers.key, `sla:resolution:${dup.id}`));
    expect(pending.every((x) => x.firedAt !== null)).toBe(true);
    const kinds = async (id: string) => (await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, id))).map((e) => e.kind);
    expect(await kinds(dup.id)).toEqual(expect.arrayContaining(['created', 'merged']));
    expect(await kinds(survivor.id)).toEqual(expect.arrayContaining(['created', 'merged']));
    const merged = (await eventsSince(before)).find((e) => e.type === 'request.merged');
    expect(merged?.rooms).toEqual(expect.arrayContaining([`request:${dup.id}`, `request:${survivor.id}`, `queue:${teamId}`]));
    const again = await t.request('POST', `/api/requests/${dup.id}/merge`, { token: anna.token, body: { version: 2, intoId: survivor.id } });
    expect(again.status).toBe(409);
    expect((await t.request('POST', `/api/requests/${survivor.id}/merge`, { token: anna.token, body: { version: 2, intoId: survivor.id } })).status).toBe(400);
  });

  it('splits entries off into a new linked request, keeping the original\'s history', async () => {
    const r = await create('Zwei Probleme', { description: 'Pumpe laut und Display dunkel' });
    const note = await t.request('POST', `/api/requests/${r.id}/notes`, { token: anna.token, body: { body: 'Display: eigener Fall' } });
    const [{ version }] = await t.hub.db.select({ version: serviceRequests.version }).from(serviceRequests).where(eq(serviceRequests.id, r.id)) as [{ version: number }];
    const res = await t.request('POST', `/api/requests/${r.id}/split`, { token: anna.token, body: { version, timelineEntryIds: [note.body.id], subject: 'Display dunkel' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.created).toMatchObject({ subject: 'Display dunkel', splitFromId: r.id, teamId, status: 'new', description: 'Display: eigener Fall' });
    const copied = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, res.body.created.id));
    expect(copied.map((e) => e.kind).sort()).toEqual(['note', 'split']);
    expect(copied.find((e) => e.kind === 'note')?.data).toMatchObject({ copiedFrom: note.body.id });
    const original = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, r.id));
    expect(original.map((e) => e.kind).sort()).toEqual(['created', 'note', 'split']);
    const bad = await t.request('POST', `/api/requests/${r.id}/split`, { token: anna.token, body: { version: version + 1, timelineEntryIds: [crypto.randomUUID()], subject: 'x' } });
    expect(bad.status).toBe(400);
  });

  it('counts open requests per queue', async () => {
    const r = await create('Zählen');
    await t.request('PATCH', `/api/requests/${r.id}`, { token: anna.token, body: { version: 1, priority: 'high' } });
    const res = await t.request('GET', '/api/queues', { token: anna.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const mine = res.body.items.find((q: { teamId: string }) => q.teamId === teamId);
    const open = await t.hub.db.$count(serviceRequests, and(eq(serviceRequests.teamId, teamId), gt(serviceRequests.version, 0)));
    expect(mine).toMatchObject({ isMember: true, byPriority: expect.objectContaining({ high: expect.any(Number) }) });
    expect(mine.open).toBeLessThanOrEqual(open);
    expect(mine.open).toBeGreaterThan(0);
    expect(mine.unassigned).toBeLessThanOrEqual(mine.open);
    expect(res.body.items.some((q: { teamId: string | null }) => q.teamId === null)).toBe(true);
    const tech = await t.userWithRole('technician');
    expect((await t.request('GET', '/api/queues', { token: tech.token })).status).toBe(403);
  });
});
