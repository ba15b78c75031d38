import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, auditLog, loginThrottle, sessions, users } from '../../db/schema/index.js';
import { RateLimited, Unauthorized } from '../platform/errors.js';
import type { Principal } from './principal.js';
import { hashPassword, hashToken, newToken, randomPassword, verifyPassword } from './tokens.js';

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const LOCK_MS = 15 * 60_000;

export interface AuthOptions { sessionHours: number; now?: () => Date }

export class AuthService {
  readonly #now: () => Date;
  constructor(private readonly db: Db, private readonly opts: AuthOptions) {
    this.#now = opts.now ?? (() => new Date());
  }

  /**
   * Sign-in with throttling per email and per client address: five failures in fifteen
   * minutes lock that key for fifteen minutes (counted in the database, so all hubs agree).
   */
  async login(email: string, password: string, clientIp: string): Promise<{ token: string; userId: string; expiresAt: Date }> {
    const keys = [`email:${email.toLowerCase()}`, `ip:${clientIp}`];
    await this.#assertNotLocked(keys);
    const [user] = await this.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
    const isValid = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !isValid || !user.isActive) {
      await this.#recordFailure(keys);
      throw new Unauthorized(user && isValid && !user.isActive ? 'this account is deactivated' : 'wrong email or password');
    }
    await this.db.delete(loginThrottle).where(sql`${loginThrottle.key} in ${keys}`);
    const token = newToken('hs');
    const expiresAt = new Date(this.#now().getTime() + this.opts.sessionHours * 3_600_000);
    await this.db.transaction(async (tx) => {
      await tx.insert(sessions).values({ userId: user.id, tokenHash: hashToken(token), expiresAt });
      await tx.update(users).set({ lastLoginAt: this.#now() }).where(eq(users.id, user.id));
      await tx.insert(auditLog).values({ actorType: 'user', actorId: user.id, action: 'login', entity: 'user', entityId: user.id });
    });
    return { token, userId: user.id, expiresAt };
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  /** A session token (hs_…) or an API key (hk_…) → who is calling, or null. */
  async resolve(token: string): Promise<Principal | null> {
    const tokenHash = hashToken(token);
    const now = this.#now();
    if (token.startsWith('hs_')) {
      const [row] = await this.db.select({ sessionId: sessions.id, user: users }).from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
      if (!row || !row.user.isActive) return null;
      return {
        kind: 'user', id: row.user.id, role: row.user.role, userId: row.user.id,
        customerId: row.user.customerId, sessionId: row.sessionId,
      };
    }
    if (token.startsWith('hk_')) {
      const [key] = await this.db.select().from(apiKeys)
        .where(and(eq(apiKeys.tokenHash, tokenHash), isNull(apiKeys.revokedAt)));
      if (!key || (key.expiresAt && key.expiresAt <= now)) return null;
      // Coarse last-used stamp: at most one write a minute per key.
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
        await this.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
      }
      return { kind: 'api_key', id: key.id, role: key.role, userId: null, customerId: null, sessionId: null };
    }
    return null;
  }

  /** Deactivation ends every session of the user at once. */
  async endSessionsOf(userId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.userId, userId));
  }

  /**
   * The first start creates the first admin: from HUB_ADMIN_* when set, else admin@localhost
   * with a random password that the caller prints once. Nothing happens once any user exists.
   */
  async ensureFirstAdmin(admin?: { email: string; password: string }): Promise<{ email: string; password?: string } | null> {
    const [row] = await this.db.select({ n: count() }).from(users);
    if ((row?.n ?? 0) > 0) return null;
    const email = admin?.email ?? 'admin@localhost';
    const password = admin?.password ?? randomPassword();
    // Hubs starting together race here: only the one whose insert lands reports (and prints) a password.
    const created = await this.db.insert(users).values({
      email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password),
    }).onConflictDoNothing().returning({ id: users.id });
    if (created.length === 0) return null;
    return admin ? { email } : { email, password };
  }

  async #assertNotLocked(keys: string[]): Promise<void> {
    const now = this.#now();
    const rows = await this.db.select().from(loginThrottle).where(sql`${loginThrottle.key} in ${keys}`);
    const until = rows.map((r) => r.lockedUntil).filter((d): d is Date => !!d && d > now)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    if (until) {
      throw new RateLimited('too many failed sign-ins; try again later', Math.ceil((until.getTime() - now.getTime()) / 1000));
    }
  }

  async #recordFailure(keys: string[]): Promise<void> {
    const now = this.#now();
    // postgres.js binds only strings inside a raw sql`` fragment (a Date fails there, PGlite
    // takes it): times go in as ISO text with an explicit cast.
    const windowStart = sql`${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`;
    const nowAt = sql`${now.toISOString()}::timestamptz`;
    const lockedUntil = sql`${new Date(now.getTime() + LOCK_MS).toISOString()}::timestamptz`;
    for (const key of keys) {
      // One statement per key: restart the window when it is old, lock when the count is reached.
      await this.db.insert(loginThrottle).values({ key, failures: 1, windowStartedAt: now })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
            windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then ${nowAt} else ${loginThrottle.windowStartedAt} end`,
            lockedUntil: sql`case when ${loginThrottle.windowStartedAt} >= ${windowStart} and ${loginThrottle.failures} + 1 >= ${MAX_FAILURES} then ${lockedUntil} else null end`,
          },
        });
    }
  }
}
