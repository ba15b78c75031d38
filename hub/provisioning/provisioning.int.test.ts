import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, teams } from '../../db/schema/index.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { SLA, WEEKDAYS_BERLIN, makeAsset, makeContract, makeCustomer, makeModel, makeSite } from '../../test/support/factories.js';
import { badReferences, cases, tag, type Body, type Db } from './provisioning-cases.js';

describe.each(DRIVERS)('provisioning API on %s', (driver) => {
  let t: TestHub;
  let adminId: string;
  const admin = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.adminToken, body });
  const fieldsOf = (res: { body: any }) => Object.keys(res.body?.error?.details?.fields ?? {});

  beforeAll(async () => {
    t = await startTestHub(driver);
    adminId = (await admin('GET', '/api/auth/me')).body.user.id;
  });
  afterAll(async () => { await t?.close(); });

  describe.each(cases)('$path', (c) => {
    it('creates, reads, updates with a version, lists and deletes, auditing each write', async () => {
      const created = await admin('POST', c.path, await c.create(t.hub.db));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.version).toBe(1);
      const id = created.body.id as string;
      const one = await admin('GET', `${c.path}/${id}`);
      expect(one.status, JSON.stringify(one.body)).toBe(200);
      expect(one.body).toEqual(created.body);

      const patched = await admin('PATCH', `${c.path}/${id}`, { ...c.patch, version: 1 });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      // Every field the PATCH does not name keeps its value (no defaults re-applied).
      expect(patched.body).toEqual({ ...created.body, ...c.patch, version: 2, updatedAt: expect.any(String) });
      expect((await admin('GET', `${c.path}/${id}`)).body).toEqual(patched.body);
      const list = await admin('GET', `${c.path}?limit=500`);
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      expect(list.body.items).toContainEqual(patched.body);

      const deleted = await admin('DELETE', `${c.path}/${id}`);
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
      expect((await admin('GET', `${c.path}/${id}`)).status).toBe(404);
      const audits = await t.hub.db.select().from(auditLog).where(and(eq(auditLog.entity, c.entity), eq(auditLog.entityId, id)));
      expect(audits.map((a) => a.action).sort()).toEqual(['create', 'delete', 'update']);
      expect(audits.every((a) => a.actorType === 'user' && a.actorId === adminId), JSON.stringify(audits)).toBe(true);
    });

    it('answers 400 naming the one bad field, and stores nothing', async () => {
      const body = c.invalid.set(await c.create(t.hub.db));
      const before = (await admin('GET', `${c.path}?limit=500`)).body.items;
      const res = await admin('POST', c.path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
      expect(fieldsOf(res)).toEqual([c.invalid.field]);
      expect((await admin('GET', `${c.path}?limit=500`)).body.items).toEqual(before);
    });

    it('answers 404 for an unknown id and 400 for an id that is not a UUID', async () => {
      const unknown = `${c.path}/${randomUUID()}`;
      for (const [method, body] of [['GET'], ['PATCH', c.patch], ['DELETE']] as const) {
        const res = await admin(method, unknown, body);
        expect(res.status, `${method} ${JSON.stringify(res.body)}`).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      const bad = await admin('GET', `${c.path}/not-a-uuid`);
      expect(bad.status, JSON.stringify(bad.body)).toBe(400);
      expect(fieldsOf(bad)).toEqual(['id']);
    });

    it('refuses a PATCH stating a stale version with 409, keeping the newer row', async () => {
      const created = await admin('POST', c.path, await c.create(t.hub.db));
      const first = await admin('PATCH', `${c.path}/${created.body.id}`, { ...c.patch, version: 1 });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const stale = await admin('PATCH', `${c.path}/${created.body.id}`, { version: 1 });
      expect(stale.status, JSON.stringify(stale.body)).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { expectedVersion: 1, currentVersion: 2 } });
      expect((await admin('GET', `${c.path}/${created.body.id}`)).body).toEqual(first.body);
    });

    it('answers 401 without sign-in', async () => {
      for (const [method, path, body] of [['GET', c.path], ['POST', c.path, await c.create(t.hub.db)]] as const) {
        const res = await t.request(method, path, { body });
        expect(res.status, JSON.stringify(res.body)).toBe(401);
        expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
      }
    });

    it(`answers 403 to a ${c.nonWriter}'s writes, who may read, and changes nothing`, async () => {
      const created = await admin('POST', c.path, await c.create(t.hub.db));
      const id = created.body.id as string;
      const who = await t.userWithRole(c.nonWriter);
      expect((await t.request('GET', `${c.path}/${id}`, { token: who.token })).status).toBe(200);
      for (const [method, path, body] of [['POST', c.path, await c.create(t.hub.db)], ['PATCH', `${c.path}/${id}`, c.patch], ['DELETE', `${c.path}/${id}`]] as const) {
        const res = await t.request(method, path, { token: who.token, body });
        expect(res.status, `${method} ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect((await admin('GET', `${c.path}/${id}`)).body).toEqual(created.body);
      expect(await t.hub.db.select().from(auditLog).where(eq(auditLog.actorId, who.userId))).toEqual([]);
    });
  });

  it('lets a technician read the fault-code catalogue (to confirm a code in the work report), not the install base', async () => {
    const tech = await t.userWithRole('technician');
    expect((await t.request('GET', '/api/fault-codes?limit=5', { token: tech.token })).status).toBe(200);
    expect((await t.request('GET', '/api/customers?limit=5', { token: tech.token })).status).toBe(403);
    expect((await t.request('POST', '/api/fault-codes', { token: tech.token, body: { code: 'E999', description: 'x', defaultSeverity: 'minor' } })).status).toBe(403);
  });

  describe.each(cases.filter((c) => c.nonReader))('$path', (c) => {
    it(`answers 403 to a ${c.nonReader}'s reads`, async () => {
      const created = await admin('POST', c.path, await c.create(t.hub.db));
      const who = await t.userWithRole(c.nonReader!);
      for (const path of [c.path, `${c.path}/${created.body.id}`]) {
        const res = await t.request('GET', path, { token: who.token });
        expect(res.status, JSON.stringify(res.body)).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    });
  });

  describe.each(cases.filter((c) => c.unique))('$path', (c) => {
    it('refuses a clash on its unique key with 409 naming the constraint, storing one row', async () => {
      const existing = await admin('POST', c.path, await c.create(t.hub.db));
      expect(existing.status, JSON.stringify(existing.body)).toBe(201);
      const clash = await admin('POST', c.path, c.unique!.clash(existing.body, await c.create(t.hub.db)));
      expect(clash.status, JSON.stringify(clash.body)).toBe(409);
      expect(clash.body.error).toMatchObject({ code: 'CONFLICT', details: { constraint: c.unique!.constraint } });
      const found = await admin('GET', `${c.path}?q=${encodeURIComponent(c.unique!.q(existing.body))}`);
      expect(found.body.items.map((i: Body) => i.id)).toEqual([existing.body.id]);
    });
  });

  describe.each(badReferences)('POST %s with an unknown %s', (path, field, body) => {
    it('answers 400 naming the field', async () => {
      const res = await admin('POST', path, await body(t.hub.db));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(fieldsOf(res)).toEqual([field]);
    });
  });

  it('keeps a customer that an asset still refers to (409)', async () => {
    const asset = await makeAsset(t.hub.db);
    const del = await admin('DELETE', `/api/customers/${asset.customerId}`);
    expect(del.status, JSON.stringify(del.body)).toBe(409);
    expect(del.body.error).toMatchObject({ code: 'CONFLICT', details: { constraint: 'assets_customer_id_customers_id_fk' } });
    expect((await admin('GET', `/api/customers/${asset.customerId}`)).status).toBe(200);
  });

  describe.each(['siteId', 'contractId'] as const)('an asset whose %s belongs to another customer', (field) => {
    const foreign = async (db: Db, otherId: string) => (field === 'siteId' ? makeSite(db, otherId) : makeContract(db, otherId));

    it('is refused on create with 400 naming the field', async () => {
      const [mine, other] = [await makeCustomer(t.hub.db), await makeCustomer(t.hub.db)];
      const body = { serialNumber: `SN-${tag()}`, modelId: (await makeModel(t.hub.db)).id, customerId: mine.id, [field]: (await foreign(t.hub.db, other.id)).id };
      const res = await admin('POST', '/api/assets', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(fieldsOf(res)).toEqual([field]);
      expect((await admin('GET', `/api/assets?customerId=${mine.id}`)).body.items).toEqual([]);
    });

    it('is refused when a PATCH moves the asset to another customer but keeps the old one\'s', async () => {
      const [mine, other] = [await makeCustomer(t.hub.db), await makeCustomer(t.hub.db)];
      const asset = await makeAsset(t.hub.db, { customerId: mine.id, [field]: (await foreign(t.hub.db, mine.id)).id });
      const res = await admin('PATCH', `/api/assets/${asset.id}`, { customerId: other.id });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(fieldsOf(res)).toEqual([field]);
      expect((await admin('GET', `/api/assets/${asset.id}`)).body).toMatchObject({ customerId: mine.id, version: 1 });
    });
  });

  it('refuses a contract that ends before it starts, on create and on update', async () => {
    const customer = await makeCustomer(t.hub.db);
    const body = { number: `K-${tag()}`, customerId: customer.id, name: 'x', coverage: 'parts_only', validFrom: '2027-01-01', validUntil: '2026-01-01', sla: SLA };
    const created = await admin('POST', '/api/contracts', body);
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    expect(fieldsOf(created)).toEqual(['validUntil']);
    const contract = await makeContract(t.hub.db, customer.id, { validFrom: '2026-01-01', validUntil: '2026-12-31' });
    const patched = await admin('PATCH', `/api/contracts/${contract.id}`, { validUntil: '2025-12-31' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(400);
    expect(fieldsOf(patched)).toEqual(['validUntil']);
    expect((await admin('GET', `/api/contracts/${contract.id}`)).body).toMatchObject({ validUntil: '2026-12-31', version: 1 });
  });

  it('pages newest first with limit and cursor, each row exactly once', async () => {
    const label = `Paging ${tag()}`;
    const created: Body[] = [];
    for (let i = 0; i < 5; i++) created.push((await admin('POST', '/api/customers', { name: `${label} ${i}`, country: 'PL' })).body);
    // Newest first; rows made within one millisecond are ordered by id, as the keyset is.
    const expected = [...created].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((c) => c.id);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Body[]; nextCursor: string | null } } = await admin('GET', `/api/customers?q=${encodeURIComponent(label)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...res.body.items.map((x) => x.id));
      pageSizes.push(res.body.items.length);
      cursor = res.body.nextCursor;
    } while (cursor && pageSizes.length < 10);
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(expected);
    expect(created[0]!.createdAt <= created[4]!.createdAt).toBe(true);
    const garbage = await admin('GET', '/api/customers?cursor=garbage');
    expect(garbage.status, JSON.stringify(garbage.body)).toBe(400);
    expect(fieldsOf(garbage)).toEqual(['cursor']);
  });

  it('searches with q case-insensitively, taking % and _ literally', async () => {
    const word = `Kälte${tag()}`;
    const hit = await admin('POST', '/api/customers', { name: `${word} 100% Service`, country: 'DE' });
    await admin('POST', '/api/customers', { name: `${word} 1000 Service`, country: 'DE' });
    const res = await admin('GET', `/api/customers?q=${encodeURIComponent(`${word.toUpperCase()} 100%`)}`);
    expect(res.body.items.map((i: Body) => i.id)).toEqual([hit.body.id]);
    const underscore = await admin('GET', `/api/customers?q=${encodeURIComponent(`${word}_1000`)}`);
    expect(underscore.body.items).toEqual([]);
  });

  it('filters by equality, and refuses a filter value the column cannot hold', async () => {
    const customer = await makeCustomer(t.hub.db);
    const mine = [await makeAsset(t.hub.db, { customerId: customer.id }), await makeAsset(t.hub.db, { customerId: customer.id })];
    await makeAsset(t.hub.db);
    const res = await admin('GET', `/api/assets?customerId=${customer.id}`);
    expect(res.body.items.map((i: Body) => i.id).sort()).toEqual(mine.map((a) => a.id).sort());
    for (const [path, field] of [['/api/assets?customerId=nobody', 'customerId'], ['/api/fault-codes?defaultSeverity=apocalyptic', 'defaultSeverity']]) {
      const bad = await admin('GET', path!);
      expect(bad.status, JSON.stringify(bad.body)).toBe(400);
      expect(fieldsOf(bad)).toEqual([field]);
    }
  });

  it('keeps one default team: a new default takes the flag, and other changes keep it', async () => {
    const make = (isDefault: boolean) => admin('POST', '/api/teams', { name: `Team ${tag()}`, calendar: WEEKDAYS_BERLIN, isDefault });
    const a = await make(true);
    const b = await make(true);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    const defaults = async () => (await t.hub.db.select({ id: teams.id }).from(teams).where(eq(teams.isDefault, true))).map((r) => r.id);
    expect(await defaults()).toEqual([b.body.id]);
    expect((await admin('GET', `/api/teams/${a.body.id}`)).body.isDefault).toBe(false);
    const c = await make(false);
    expect((await admin('PATCH', `/api/teams/${c.body.id}`, { isDefault: true })).status).toBe(200);
    expect(await defaults()).toEqual([c.body.id]);
    expect((await admin('PATCH', `/api/teams/${c.body.id}`, { region: 'AT' })).body.isDefault).toBe(true);
    expect(await defaults()).toEqual([c.body.id]);
  });
});
