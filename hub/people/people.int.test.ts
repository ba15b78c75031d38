import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog, teamMembers, users } from '../../db/schema/index.js';
import { hashToken } from '../auth/tokens.js';
import type { Role } from '../contracts/model.js';
import { makeCustomer, makeTeam } from '../../test/support/factories.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';

type Body = Record<string, any>;
const tag = () => randomBytes(4).toString('hex');
const PASSWORD = 'korrekt-Pferd-Batterie-9';
const NON_ADMINS: Role[] = ['supervisor', 'dispatcher', 'agent', 'technician', 'customer'];
let ipCounter = 0;
/** Sign-in is throttled per email and per client address: each caller gets its own address. */
const nextIp = () => `198.51.100.${++ipCounter}`;

describe('people API on postgres', () => {
  let t: TestHub;
  let adminId: string;
  const admin = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.adminToken, body });
  const fieldsOf = (res: { body: any }) => Object.keys(res.body?.error?.details?.fields ?? {});
  const me = (token: string | null, headers?: Record<string, string>) => t.request('GET', '/api/auth/me', { token, headers });
  const newUser = async (extra: Body = {}) => {
    const res = await admin('POST', '/api/users', { email: `eszter.${tag()}@example.hu`, name: 'Nagy Eszter', role: 'dispatcher', password: PASSWORD, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Body;
  };
  /** POST /api/auth/login as a browser at `ip` would send it (getConnInfo reads the Node socket). */
  const login = async (email: string, password: string, ip = nextIp()) => {
    const res = await t.hub.app.request('/api/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
    }, { incoming: { socket: { remoteAddress: ip, remotePort: 50_000, remoteFamily: 'IPv4' } } });
    return { status: res.status, body: await res.json() as Body, headers: res.headers };
  };

  beforeAll(async () => {
    t = await startTestHub('postgres');
    adminId = (await me(t.adminToken)).body.user.id;
  });
  afterAll(async () => { await t?.close(); });

  describe('users', () => {
    it('creates a user in the teams named, without exposing the password', async () => {
      const [a, b] = [await makeTeam(t.hub.db), await makeTeam(t.hub.db)];
      const created = await newUser({ teamIds: [a.id, b.id], skills: ['refrigeration'] });
      const teamIds = [a.id, b.id].sort();
      expect([...created.teamIds].sort()).toEqual(teamIds);
      expect(created).not.toHaveProperty('password');
      expect(created).not.toHaveProperty('passwordHash');
      const one = await admin('GET', `/api/users/${created.id}`);
      expect({ ...one.body, teamIds: [...one.body.teamIds].sort() }).toEqual({ ...created, teamIds });
      const members = await t.hub.db.select().from(teamMembers).where(eq(teamMembers.userId, created.id));
      expect(members.map((m) => m.teamId).sort()).toEqual(teamIds);
      const [audit] = await t.hub.db.select().from(auditLog).where(and(eq(auditLog.entity, 'user'), eq(auditLog.entityId, created.id)));
      expect(audit).toMatchObject({ action: 'create', actorType: 'user', actorId: adminId });
      expect(JSON.stringify(audit!.changes)).not.toContain(PASSWORD);
    });

    describe.each([
      ['password', { password: 'kurz-11-chr' }],
      ['email', { email: 'eszter-at-example.hu' }],
      ['role', { role: 'root' }],
      ['customerId', { role: 'customer', customerId: undefined }],
      ['teamIds', { teamIds: [randomUUID()] }],
    ])('a new user with a bad %s', (field, change) => {
      it('is refused with 400 naming the field, and not stored', async () => {
        const email = `bad.${tag()}@example.hu`;
        const res = await admin('POST', '/api/users', { email, name: 'X', role: 'agent', password: PASSWORD, ...change });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(fieldsOf(res)).toEqual([field]);
        expect(await t.hub.db.select().from(users).where(eq(users.email, email))).toEqual([]);
      });
    });

    it('refuses a second user with the same email in another case (409)', async () => {
      const first = await newUser();
      const res = await admin('POST', '/api/users', { email: first.email.toUpperCase(), name: 'Twin', role: 'agent' });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { constraint: 'users_email_key' } });
      const found = await admin('GET', `/api/users?q=${encodeURIComponent(first.email)}`);
      expect(found.body.items.map((u: Body) => u.id)).toEqual([first.id]);
    });

    it('ends the sessions of a user made inactive', async () => {
      const user = await newUser();
      const session = await login(user.email, PASSWORD);
      expect((await me(session.body.token)).status).toBe(200);
      const res = await admin('PATCH', `/api/users/${user.id}`, { isActive: false, version: user.version });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ isActive: false, version: user.version + 1 });
      const after = await me(session.body.token);
      expect(after.status, JSON.stringify(after.body)).toBe(401);
      expect((await login(user.email, PASSWORD)).status).toBe(401);
    });

    it('ends the sessions of a user given a new password; the new one signs in', async () => {
      const user = await newUser();
      const session = await login(user.email, PASSWORD);
      const newPassword = `${PASSWORD}-neu`;
      expect((await admin('PATCH', `/api/users/${user.id}`, { password: newPassword })).status).toBe(200);
      expect((await me(session.body.token)).status).toBe(401);
      expect((await login(user.email, PASSWORD)).status).toBe(401);
      expect((await login(user.email, newPassword)).status).toBe(200);
    });

    it('does not let the admin deactivate or demote himself', async () => {
      for (const [change, field] of [[{ isActive: false }, 'isActive'], [{ role: 'agent' }, 'role']] as const) {
        const res = await admin('PATCH', `/api/users/${adminId}`, change);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(fieldsOf(res)).toEqual([field]);
      }
      const del = await admin('DELETE', `/api/users/${adminId}`);
      expect(del.status, JSON.stringify(del.body)).toBe(400);
      expect((await me(t.adminToken)).body.user).toMatchObject({ isActive: true, role: 'admin' });
    });

    it('deactivates on DELETE (users are kept) and ends their sessions', async () => {
      const user = await newUser();
      const session = await login(user.email, PASSWORD);
      const del = await admin('DELETE', `/api/users/${user.id}`);
      expect(del.status, JSON.stringify(del.body)).toBe(204);
      expect((await admin('GET', `/api/users/${user.id}`)).body).toMatchObject({ isActive: false, version: user.version + 1 });
      expect((await me(session.body.token)).status).toBe(401);
      const audits = await t.hub.db.select().from(auditLog).where(and(eq(auditLog.entity, 'user'), eq(auditLog.entityId, user.id)));
      expect(audits.map((a) => a.action).sort()).toEqual(['create', 'deactivate', 'login']);
      expect((await admin('DELETE', `/api/users/${randomUUID()}`)).status).toBe(404);
    });

    it('refuses a PATCH stating a stale version (409)', async () => {
      const user = await newUser();
      expect((await admin('PATCH', `/api/users/${user.id}`, { name: 'A', version: 1 })).status).toBe(200);
      const stale = await admin('PATCH', `/api/users/${user.id}`, { name: 'B', version: 1 });
      expect(stale.status, JSON.stringify(stale.body)).toBe(409);
      expect((await admin('GET', `/api/users/${user.id}`)).body).toMatchObject({ name: 'A', version: 2 });
    });

    describe.each(NON_ADMINS)('a %s', (role) => {
      it('may not create, change or deactivate users (403)', async () => {
        const who = await t.userWithRole(role, role === 'customer' ? { customerId: (await makeCustomer(t.hub.db)).id } : {});
        const email = `nope.${tag()}@example.hu`;
        for (const [method, path, body] of [
          ['POST', '/api/users', { email, name: 'X', role: 'admin', password: PASSWORD }],
          ['PATCH', `/api/users/${who.userId}`, { role: 'admin' }],
          ['DELETE', `/api/users/${adminId}`],
        ] as const) {
          const res = await t.request(method, path, { token: who.token, body });
          expect(res.status, `${method} ${JSON.stringify(res.body)}`).toBe(403);
        }
        expect(await t.hub.db.select().from(users).where(eq(users.email, email))).toEqual([]);
        expect((await me(who.token)).body).toMatchObject({ role, user: { role } });
      });
    });
  });

  describe('sign-in', () => {
    it('answers a token that works as a bearer, and a session cookie that works as a cookie', async () => {
      const user = await newUser();
      const res = await login(user.email.toUpperCase(), PASSWORD);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ token: expect.stringMatching(/^hs_/), expiresAt: expect.any(String) });
      expect((await me(res.body.token)).body).toMatchObject({ kind: 'user', role: 'dispatcher', user: { id: user.id } });
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/HttpOnly/i);
      const cookie = /^(hub_session=[^;]+)/.exec(setCookie)?.[1];
      expect(cookie, setCookie).toBe(`hub_session=${res.body.token}`);
      expect((await me(null, { cookie: cookie! })).body).toMatchObject({ kind: 'user', user: { id: user.id } });
      expect((await admin('GET', `/api/users/${user.id}`)).body.lastLoginAt).toEqual(expect.any(String));
    });

    it('answers 401 to a wrong password and to an unknown email alike', async () => {
      const user = await newUser();
      const wrong = await login(user.email, `${PASSWORD}x`);
      const unknown = await login(`nobody.${tag()}@example.hu`, PASSWORD);
      expect(wrong.status, JSON.stringify(wrong.body)).toBe(401);
      expect(unknown.status, JSON.stringify(unknown.body)).toBe(401);
      expect(wrong.body.error.message).toBe(unknown.body.error.message);
    });

    it('locks an email after five failures: the sixth attempt gets 429 with Retry-After, even with the right password', async () => {
      const user = await newUser();
      for (let i = 1; i <= 5; i++) {
        const res = await login(user.email, `falsch-${i}-${PASSWORD}`, nextIp());
        expect(res.status, `attempt ${i}: ${JSON.stringify(res.body)}`).toBe(401);
      }
      const locked = await login(user.email, PASSWORD, nextIp());
      expect(locked.status, JSON.stringify(locked.body)).toBe(429);
      expect(locked.body.error.code).toBe('RATE_LIMITED');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      const other = await newUser();
      expect((await login(other.email, PASSWORD)).status).toBe(200);
    });

    it('signs out: the token stops working', async () => {
      const user = await newUser();
      const { body } = await login(user.email, PASSWORD);
      const out = await t.request('POST', '/api/auth/logout', { token: body.token });
      expect(out.status, JSON.stringify(out.body)).toBe(204);
      expect((await me(body.token)).status).toBe(401);
      expect((await me(null)).status).toBe(401);
    });
  });

  describe('API keys', () => {
    const newKey = async (body: Body = {}) => {
      const res = await admin('POST', '/api/api-keys', { name: `ERP ${tag()}`, role: 'agent', ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as Body;
    };

    it('shows the token once; it works as a bearer with the key\'s role and its limits', async () => {
      const key = await newKey();
      expect(key.token).toMatch(/^hk_/);
      expect(key.token.startsWith(key.prefix)).toBe(true);
      expect((await me(key.token)).body).toEqual({ kind: 'api_key', role: 'agent', user: null });
      expect((await t.request('GET', '/api/customers', { token: key.token })).status).toBe(200);
      const denied = await t.request('POST', '/api/customers', { token: key.token, body: { name: 'Kunde', country: 'DE' } });
      expect(denied.status, JSON.stringify(denied.body)).toBe(403);
      const [row] = await t.hub.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row).toMatchObject({ tokenHash: hashToken(key.token), createdBy: adminId, lastUsedAt: expect.any(Date) });
    });

    it('never lists a token or its hash', async () => {
      const key = await newKey();
      const list = await admin('GET', '/api/api-keys?limit=500');
      const item = list.body.items.find((k: Body) => k.id === key.id);
      const { token, ...view } = key;
      expect(item).toEqual(view);
      expect(JSON.stringify(list.body)).not.toContain(token);
      expect(JSON.stringify(list.body)).not.toContain(hashToken(token));
    });

    it('revokes on DELETE: the token gets 401', async () => {
      const key = await newKey();
      const del = await admin('DELETE', `/api/api-keys/${key.id}`);
      expect(del.status, JSON.stringify(del.body)).toBe(204);
      expect((await me(key.token)).status).toBe(401);
      const [row] = await t.hub.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row!.revokedAt).toBeInstanceOf(Date);
      const audits = await t.hub.db.select().from(auditLog).where(and(eq(auditLog.entity, 'api_key'), eq(auditLog.entityId, key.id)));
      expect(audits.map((a) => [a.action, a.actorId]).sort()).toEqual([['create', adminId], ['revoke', adminId]]);
      expect((await admin('DELETE', `/api/api-keys/${randomUUID()}`)).status).toBe(404);
    });

    it('does not accept an expired key, and is not made for the customer role', async () => {
      const expired = await newKey({ expiresAt: new Date(Date.now() - 60_000).toISOString() });
      expect((await me(expired.token)).status).toBe(401);
      const res = await admin('POST', '/api/api-keys', { name: 'Portal', role: 'customer' });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(fieldsOf(res)).toEqual(['role']);
    });

    describe.each(NON_ADMINS)('a %s', (role) => {
      it('may not list, create or revoke keys (403)', async () => {
        const key = await newKey();
        const who = await t.userWithRole(role);
        for (const [method, path, body] of [
          ['GET', '/api/api-keys'], ['POST', '/api/api-keys', { name: 'mine', role: 'agent' }], ['DELETE', `/api/api-keys/${key.id}`],
        ] as const) {
          const res = await t.request(method, path, { token: who.token, body });
          expect(res.status, `${method} ${JSON.stringify(res.body)}`).toBe(403);
        }
        expect((await me(key.token)).status).toBe(200);
      });
    });
  });
  describe('colleagues', () => {
    it('tells every staff member the names of the staff, and nothing more; customers get 403', async () => {
      const colleague = await newUser({ name: 'Kovács Anna', role: 'agent' });
      const customer = await t.userWithRole('customer', { name: 'Kundin Ohne Namen' });
      for (const role of ['agent', 'technician'] as const) {
        const who = await t.userWithRole(role);
        const res = await t.request('GET', '/api/colleagues', { token: who.token });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.items).toContainEqual({ id: colleague.id, name: 'Kovács Anna', role: 'agent', isActive: true });
        expect(res.body.items.map((c: Body) => c.id)).not.toContain(customer.userId);
        expect(JSON.stringify(res.body)).not.toContain(colleague.email);
      }
      expect((await t.request('GET', '/api/colleagues', { token: customer.token })).status).toBe(403);
    });
  });
});
