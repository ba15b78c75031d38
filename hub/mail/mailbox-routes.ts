import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { mailboxes, teams } from '../../db/schema/index.js';
import { MailboxCreate, MailboxUpdate, MailboxView } from '../contracts/api/mail.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import type { Logger } from '../platform/logger.js';
import { BadRequest, Conflict, NotFound, StaleVersion, pgConstraint } from '../platform/errors.js';
import { audit } from '../provisioning/crud.js';
import type { MailModule } from './module.js';

const IdParam = z.object({ id: z.uuid() });
type Row = typeof mailboxes.$inferSelect;

/** The URL as it may be shown: user, host, port and folder, never the password. */
function publicUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
}
const folderOf = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'INBOX';

/**
 * Further mailboxes, each mapped to a team. The URL with its password is stored encrypted
 * (AES-256-GCM) and never returned; a change (re)starts that mailbox's poller at once.
 */
export function mailboxRoutes(db: Db, mail: MailModule, log: Logger) {
  const app = createRouter();
  const tags = ['mailboxes'];
  const view = (r: Row) => MailboxView.parse({
    ...r, host: publicUrl(mail.secrets.open(r.urlEncrypted)), lastPolledAt: r.lastPolledAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString(),
  });
  const reconcile = () => { mail.intake.reconcile().catch((err: unknown) => log.warn({ err }, 'mailbox pollers not reconciled')); };
  const checkTeam = async (teamId: string | null | undefined) => {
    if (!teamId) return;
    const [t] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
    if (!t) throw new BadRequest('unknown team', { teamId: 'no such team' });
  };
  const uniqueName = (err: unknown): never => {
    if (pgConstraint(err) === 'mailboxes_name_key') throw new Conflict('a mailbox with this name exists', { name: 'taken' });
    throw err;
  };

  app.openapi(createRoute({
    method: 'get', path: '/mailboxes', tags,
    responses: { 200: json(z.object({ items: z.array(MailboxView), nextCursor: z.null() }), 'mailboxes with their intake position and last error'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'mailboxes.manage');
    const rows = await db.select().from(mailboxes).orderBy(asc(mailboxes.name));
    return c.json({ items: rows.map(view), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/mailboxes', tags, request: body(MailboxCreate),
    responses: { 201: json(MailboxView, 'created; its poller starts'), ...errorResponses, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'mailboxes.manage');
    const b = c.req.valid('json');
    await checkTeam(b.teamId);
    const row = await db.transaction(async (tx) => {
      const [r] = await tx.insert(mailboxes).values({
        name: b.name, teamId: b.teamId ?? null, urlEncrypted: mail.secrets.seal(b.url), folder: folderOf(b.url), isActive: b.isActive,
      }).returning().catch(uniqueName);
      await audit(tx, p, 'create', 'mailbox', r!.id, { name: b.name, host: publicUrl(b.url), teamId: b.teamId ?? null });
      return r!;
    });
    reconcile();
    return c.json(view(row), 201);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/mailboxes/{id}', tags, request: { params: IdParam, ...body(MailboxUpdate) },
    responses: { 200: json(MailboxView, 'updated; its poller restarts'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'mailboxes.manage');
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    await checkTeam(b.teamId);
    const row = await db.transaction(async (tx) => {
      const [cur] = await tx.select().from(mailboxes).where(eq(mailboxes.id, id)).for('update');
      if (!cur) throw new NotFound('mailbox', id);
      if (cur.version !== b.version) throw new StaleVersion('mailbox', b.version, cur.version);
      const [r] = await tx.update(mailboxes).set({
        ...(b.name !== undefined ? { name: b.name } : {}), ...(b.teamId !== undefined ? { teamId: b.teamId } : {}),
        ...(b.isActive !== undefined ? { isActive: b.isActive } : {}),
        // A new server or folder is a new UID space: start from its beginning (Message-ID dedup guards).
        ...(b.url !== undefined ? { urlEncrypted: mail.secrets.seal(b.url), folder: folderOf(b.url), uidValidity: null, lastUid: 0 } : {}),
        version: sql`${mailboxes.version} + 1`, updatedAt: sql`now()`,
      }).where(and(eq(mailboxes.id, id))).returning().catch(uniqueName);
      await audit(tx, p, 'update', 'mailbox', id, { ...b, url: b.url ? publicUrl(b.url) : undefined });
      return r!;
    });
    reconcile();
    return c.json(view(row), 200);
  });

  app.openapi(createRoute({
    method: 'delete', path: '/mailboxes/{id}', tags, request: { params: IdParam },
    responses: { 204: { description: 'deleted; its poller stops' }, ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'mailboxes.manage');
    const { id } = c.req.valid('param');
    await db.transaction(async (tx) => {
      const [r] = await tx.delete(mailboxes).where(eq(mailboxes.id, id)).returning({ id: mailboxes.id });
      if (!r) throw new NotFound('mailbox', id);
      await audit(tx, p, 'delete', 'mailbox', id);
    });
    reconcile();
    return c.body(null, 204);
  });
  return app;
}
