import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { hashToken, newToken } from '../../hub/auth/tokens.js';
import { sessions, users } from '../../db/schema/index.js';
import type { Role } from '../../hub/contracts/model.js';
import { createTestDatabase, migratedPgliteClone, uniquePrefix } from './databases.js';
import { TEST_REDIS_URL } from './env.js';

export type Driver = 'pglite' | 'postgres';
export const DRIVERS: Driver[] = ['pglite', 'postgres'];

export const ADMIN = { email: 'admin@test.local', password: 'test-admin-password' };

export interface ApiResponse<T = any> { status: number; body: T; headers: Headers }

export interface TestHub {
  hub: Hub;
  driver: Driver;
  /** a signed-in admin's bearer token */
  adminToken: string;
  request<T = any>(method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse<T>>;
  /** a user of that role with a session, made by inserting rows (fast; no password hashing) */
  userWithRole(role: Role, extra?: Partial<typeof users.$inferInsert>): Promise<{ token: string; userId: string }>;
  close(): Promise<void>;
}

/**
 * A hub on its own database: PGlite (a clone of a migrated instance) or PostgreSQL (a copy
 * of the migrated template). With `isRedis`, jobs run on BullMQ under a unique prefix.
 */
export async function startTestHub(driver: Driver, opts: { isRedis?: boolean; isHttp?: boolean; env?: Record<string, string> } = {}): Promise<TestHub> {
  const database = driver === 'postgres' ? await createTestDatabase() : null;
  const config = loadConfig({
    DATA_DIR: `.tmp/${uniquePrefix('data')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    MQTT_PORT: '0',
    HUB_ADMIN_EMAIL: ADMIN.email,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    HUB_QUEUE_PREFIX: uniquePrefix('q'),
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(opts.isRedis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...opts.env,
  });
  const hub = await startHub(config, {
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    isHttpOff: !opts.isHttp,
    ...(driver === 'pglite' ? { pglite: await migratedPgliteClone() } : {}),
  });

  const request: TestHub['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await hub.app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };

  const login = await request('POST', '/api/auth/login', { body: ADMIN });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);

  return {
    hub, driver, adminToken: login.body.token, request,
    async userWithRole(role, extra = {}) {
      const [u] = await hub.db.insert(users).values({
        email: `${role}.${randomBytes(4).toString('hex')}@test.local`, name: `Test ${role}`, role, ...extra,
      }).returning({ id: users.id });
      const token = newToken('hs');
      await hub.db.insert(sessions).values({ userId: u!.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) });
      return { token, userId: u!.id };
    },
    async close() {
      await hub.close();
      await database?.drop();
    },
  };
}
