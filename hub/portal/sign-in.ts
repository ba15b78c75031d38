import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, contacts, outbox, portalSignInTokens, sessions, users } from '../../db/schema/index.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { newMessageId, type MailIdentity } from '../mail/outbox.js';
import { Unauthorized } from '../platform/errors.js';

export interface SignInOptions {
  db: Db;
  identity: MailIdentity;
  /** wake the outbox sender after the commit */
  kick: () => void;
  linkMinutes: number;
  sessionHours: number;
}

/**
 * Portal sign-in by emailed link. A link goes to an active customer account with that address,
 * or to a contact of a customer organisation (its customer account is made on first use). The
 * answer never says which addresses exist.
 */
export class PortalSignIn {
  constructor(private readonly o: SignInOptions) {}

  /** Queues a sign-in mail if the address belongs to a customer; true when one was queued. */
  async sendLink(email: string): Promise<boolean> {
    const { db } = this.o;
    const queued = await db.transaction(async (tx) => {
      const account = await customerAccountFor(tx, email);
      if (!account) return false;
      const { id: userId, email: to } = account;
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + this.o.linkMinutes * 60_000);
      const [row] = await tx.insert(portalSignInTokens).values({ userId, tokenHash: hashToken(token), expiresAt }).returning({ id: portalSignInTokens.id });
      const link = `${this.o.identity.publicUrl}/portal/sign-in/${token}`;
      await tx.insert(outbox).values({
        kind: 'notification', template: 'portal_sign_in', requestId: null, toAddress: to,
        subject: 'Your sign-in link to the service portal',
        text: `Open this link to sign in to the service portal:\n\n${link}\n\nIt works once and for ${this.o.linkMinutes} minutes. If you did not ask for it, ignore this mail.`,
        messageId: newMessageId(this.o.identity.domain), isAutomatic: true, language: 'en', dedupKey: `portal-sign-in:${row!.id}`,
      });
      await tx.insert(auditLog).values({ actorType: 'customer', actorId: userId, action: 'portal_link_sent', entity: 'user', entityId: userId });
      return true;
    });
    if (queued) this.o.kick();
    return queued;
  }

  /** Consumes a link (once, before it expires) and opens a session like a password sign-in. */
  async signIn(token: string): Promise<{ token: string; userId: string; expiresAt: Date }> {
    const { db } = this.o;
    return db.transaction(async (tx) => {
      // One statement decides: a second use, or one racing this one, finds used_at set.
      const [used] = await tx.update(portalSignInTokens).set({ usedAt: sql`now()` })
        .where(and(eq(portalSignInTokens.tokenHash, hashToken(token)), isNull(portalSignInTokens.usedAt), gt(portalSignInTokens.expiresAt, sql`now()`)))
        .returning({ userId: portalSignInTokens.userId });
      if (!used) throw new Unauthorized('this sign-in link was used already or has expired; ask for a new one');
      const [user] = await tx.select({ isActive: users.isActive, role: users.role }).from(users).where(eq(users.id, used.userId));
      if (!user?.isActive || user.role !== 'customer') throw new Unauthorized('this account cannot sign in to the portal');
      const session = newToken('hs');
      const expiresAt = new Date(Date.now() + this.o.sessionHours * 3_600_000);
      await tx.insert(sessions).values({ userId: used.userId, tokenHash: hashToken(session), expiresAt });
      await tx.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, used.userId));
      await tx.insert(auditLog).values({ actorType: 'user', actorId: used.userId, action: 'login', entity: 'user', entityId: used.userId, changes: { via: 'portal_link' } });
      return { token: session, userId: used.userId, expiresAt };
    });
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The customer account an address belongs to (made for a customer's contact on first use); mail goes to its stored address. */
async function customerAccountFor(tx: Tx, email: string): Promise<{ id: string; email: string } | null> {
  const [user] = await tx.select({ id: users.id, email: users.email, role: users.role, isActive: users.isActive }).from(users).where(sql`lower(${users.email}) = lower(${email})`);
  if (user) return user.role === 'customer' && user.isActive ? { id: user.id, email: user.email } : null;
  const [contact] = await tx.select({ name: contacts.name, customerId: contacts.customerId, email: contacts.email }).from(contacts)
    .where(sql`lower(${contacts.email}) = lower(${email})`).limit(1);
  if (!contact?.customerId || !contact.email) return null;
  // The unique index on lower(email) settles a race between two links asked for at once.
  await tx.insert(users).values({ email: contact.email, name: contact.name, role: 'customer', customerId: contact.customerId }).onConflictDoNothing();
  const [made] = await tx.select({ id: users.id, email: users.email, role: users.role }).from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return made?.role === 'customer' ? { id: made.id, email: made.email } : null;
}
