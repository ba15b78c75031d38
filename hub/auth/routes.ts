import { createRoute, z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, setCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import { LoginBody, LoginResult, UserView } from '../contracts/api/people.js';
import { body, createRouter, errorResponses, json, principalOf } from '../http/router.js';
import { NotFound } from '../platform/errors.js';
import type { AuthService } from './service.js';
import { userView } from '../people/views.js';

export const SESSION_COOKIE = 'hub_session';

export function authRoutes(db: Db, auth: AuthService, opts: { isSecureCookie: boolean }) {
  const app = createRouter();
  const tags = ['auth'];

  app.openapi(createRoute({
    method: 'post', path: '/auth/login', tags, request: body(LoginBody),
    responses: { 200: json(LoginResult, 'signed in; also sets the session cookie'), ...errorResponses, 429: { description: 'too many failures; see Retry-After' } },
  }), async (c) => {
    const { email, password } = c.req.valid('json');
    const session = await auth.login(email, password, clientIp(c));
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true, sameSite: 'Lax', path: '/', secure: opts.isSecureCookie, expires: session.expiresAt,
    });
    return c.json({ token: session.token, expiresAt: session.expiresAt.toISOString() }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/auth/logout', tags, responses: { 204: { description: 'signed out' }, ...errorResponses },
  }), async (c) => {
    const p = principalOf(c);
    if (p.sessionId) await auth.logout(p.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.openapi(createRoute({
    method: 'get', path: '/auth/me', tags,
    responses: { 200: json(z.object({ kind: z.enum(['user', 'api_key']), role: z.string(), user: UserView.nullable() }), 'who is calling'), ...errorResponses },
  }), async (c) => {
    const p = principalOf(c);
    if (!p.userId) return c.json({ kind: p.kind, role: p.role, user: null }, 200);
    const [u] = await db.select().from(users).where(eq(users.id, p.userId));
    if (!u) throw new NotFound('user', p.userId);
    return c.json({ kind: p.kind, role: p.role, user: await userView(db, u) }, 200);
  });
  return app;
}

function clientIp(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
