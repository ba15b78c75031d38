import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, ilike, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, users } from '../../db/schema/index.js';
import { ApiKeyCreate, ApiKeyCreated, ApiKeyView, ColleagueView, UserCreate, UserUpdate, UserView } from '../contracts/api/people.js';
import { Role } from '../contracts/model.js';
import type { AuthService } from '../auth/service.js';
import { hashPassword, hashToken, newToken } from '../auth/tokens.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { BadRequest, NotFound, StaleVersion } from '../platform/errors.js';
import { audit, escapeLike, toWire } from '../provisioning/crud.js';
import { setTeams, userView, userViews } from './views.js';

const IdParam = z.object({ id: z.uuid() });

export function peopleRoutes(db: Db, auth: AuthService) {
  const app = createRouter();
  const tags = ['users'];

  app.openapi(createRoute({
    method: 'get', path: '/users', tags,
    request: { query: ListQuery.extend({ q: z.string().max(200).optional(), role: Role.optional(), isActive: z.enum(['true', 'false']).optional() }) },
    responses: { 200: json(listOf(UserView), 'users, newest first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'users.read');
    const q = c.req.valid('query');
    const where: (SQL | undefined)[] = [];
    if (q.q) where.push(or(ilike(users.name, `%${escapeLike(q.q)}%`), ilike(users.email, `%${escapeLike(q.q)}%`)));
    if (q.role) where.push(eq(users.role, q.role));
    if (q.isActive) where.push(eq(users.isActive, q.isActive === 'true'));
    const ks = keyset(users.createdAt, users.id, q.cursor);
    const rows = await db.select().from(users).where(and(...where, ks.where)).orderBy(...ks.orderBy).limit(q.limit + 1);
    const p = page(rows, q.limit);
    return c.json({ items: await userViews(db, p.rows), nextCursor: p.nextCursor }, 200);
  });

  // Agents may not list users (emails, phones, roles' details), but they must see who holds a
  // request or wrote a note: names of the staff, nothing else. Customers' accounts are not here.
  app.openapi(createRoute({
    method: 'get', path: '/colleagues', tags,
    responses: { 200: json(z.object({ items: z.array(ColleagueView) }), 'staff names, by name'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'colleagues.read');
    const rows = await db.select({ id: users.id, name: users.name, role: users.role, isActive: users.isActive }).from(users)
      .where(ne(users.role, 'customer')).orderBy(asc(users.name)).limit(5000);
    return c.json({ items: rows }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/users/{id}', tags, request: { params: IdParam },
    responses: { 200: json(UserView, 'user'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'users.read');
    const { id } = c.req.valid('param');
    const [u] = await db.select().from(users).where(eq(users.id, id));
    if (!u) throw new NotFound('user', id);
    return c.json(await userView(db, u), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/users', tags, request: body(UserCreate),
    responses: { 201: json(UserView, 'user created'), ...errorResponses, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'users.write');
    const { password, teamIds, ...input } = c.req.valid('json');
    const passwordHash = password ? await hashPassword(password) : null;
    const view = await db.transaction(async (tx) => {
      const [u] = await tx.insert(users).values({ ...input, passwordHash }).returning();
      await setTeams(tx, u!.id, teamIds);
      await audit(tx, p, 'create', 'user', u!.id, { ...input, teamIds });
      return userView(tx, u!);
    });
    return c.json(view, 201);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/users/{id}', tags, request: { params: IdParam, ...body(UserUpdate) },
    responses: { 200: json(UserView, 'user updated'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'users.write');
    const { id } = c.req.valid('param');
    const { version, password, teamIds, ...changes } = c.req.valid('json');
    if (id === p.userId && changes.isActive === false) throw new BadRequest('you cannot deactivate yourself', { isActive: 'not for your own account' });
    if (id === p.userId && changes.role && changes.role !== 'admin') throw new BadRequest('you cannot demote yourself', { role: 'not for your own account' });
    const passwordHash = password ? await hashPassword(password) : undefined;
    const view = await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(users).where(eq(users.id, id));
      if (!existing) throw new NotFound('user', id);
      if (version !== undefined && version !== existing.version) throw new StaleVersion('user', version, existing.version);
      const [u] = await tx.update(users)
        .set({ ...changes, ...(passwordHash ? { passwordHash } : {}), version: sql`${users.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(users.id, id), eq(users.version, existing.version))).returning();
      if (!u) throw new StaleVersion('user', existing.version, undefined);
      if (teamIds) await setTeams(tx, id, teamIds);
      await audit(tx, p, 'update', 'user', id, { ...changes, ...(teamIds ? { teamIds } : {}), ...(password ? { password: 'changed' } : {}) });
      return userView(tx, u);
    });
    // Deactivation and a new password end every open session of that user.
    if (changes.isActive === false || password) await auth.endSessionsOf(id);
    return c.json(view, 200);
  });

  app.openapi(createRoute({
    method: 'delete', path: '/users/{id}', tags, request: { params: IdParam },
    responses: { 204: { description: 'deactivated (users are never erased: the audit log refers to them)' }, ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'users.write');
    const { id } = c.req.valid('param');
    if (id === p.userId) throw new BadRequest('you cannot deactivate yourself', { id: 'your own account' });
    // The write and its audit entry commit together (inside, only `tx`: PGlite has one connection).
    await db.transaction(async (tx) => {
      const done = await tx.update(users).set({ isActive: false, version: sql`${users.version} + 1`, updatedAt: sql`now()` })
        .where(eq(users.id, id)).returning({ id: users.id });
      if (!done.length) throw new NotFound('user', id);
      await audit(tx, p, 'deactivate', 'user', id);
    });
    await auth.endSessionsOf(id);
    return c.body(null, 204);
  });

  const keyTags = ['api-keys'];
  const keyView = (k: typeof apiKeys.$inferSelect) => ApiKeyView.parse(toWire({ ...k, tokenHash: undefined }));

  app.openapi(createRoute({
    method: 'get', path: '/api-keys', tags: keyTags, request: { query: ListQuery },
    responses: { 200: json(listOf(ApiKeyView), 'API keys (never their tokens)'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'api-keys.manage');
    const q = c.req.valid('query');
    const ks = keyset(apiKeys.createdAt, apiKeys.id, q.cursor);
    const rows = await db.select().from(apiKeys).where(ks.where).orderBy(...ks.orderBy).limit(q.limit + 1);
    const p = page(rows, q.limit);
    return c.json({ items: p.rows.map(keyView), nextCursor: p.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/api-keys', tags: keyTags, request: body(ApiKeyCreate),
    responses: { 201: json(ApiKeyCreated, 'created; the token is shown only now'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'api-keys.manage');
    const input = c.req.valid('json');
    const token = newToken('hk');
    const k = await db.transaction(async (tx) => {
      const [row] = await tx.insert(apiKeys).values({
        name: input.name, role: input.role, prefix: token.slice(0, 10), tokenHash: hashToken(token),
        createdBy: p.userId, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      }).returning();
      await audit(tx, p, 'create', 'api_key', row!.id, { name: input.name, role: input.role });
      return row!;
    });
    return c.json({ ...keyView(k), token }, 201);
  });

  app.openapi(createRoute({
    method: 'delete', path: '/api-keys/{id}', tags: keyTags, request: { params: IdParam },
    responses: { 204: { description: 'revoked' }, ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'api-keys.manage');
    const { id } = c.req.valid('param');
    await db.transaction(async (tx) => {
      // Revoking again keeps the first revocation's time.
      const done = await tx.update(apiKeys).set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
        .where(eq(apiKeys.id, id)).returning({ id: apiKeys.id });
      if (!done.length) throw new NotFound('API key', id);
      await audit(tx, p, 'revoke', 'api_key', id);
    });
    return c.body(null, 204);
  });
  return app;
}
