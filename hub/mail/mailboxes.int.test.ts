import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, emailMessages, mailboxes, serviceRequests } from '../../db/schema/index.js';
import { startDovecot, type Dovecot } from '../../test/support/dovecot.js';
import { makeTeam } from '../../test/support/factories.js';
import { startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { SecretBox } from './secrets.js';

describe('mailboxes API', () => {
  let t: TestHub;
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
    t = await startTestHub('pglite', { env: { HUB_SECRET_KEY: 'a'.repeat(64) } });
  });
  afterAll(async () => { await t?.close(); await dovecot?.stop(); });

  it('stores the URL encrypted, never returns the password, and audits the change', async () => {
    const res = await t.request('POST', '/api/mailboxes', { token: t.adminToken, body: { name: 'Vertrieb', url: 'imaps://vertrieb%40example.de:geheim!123@mail.example.de:993/Kunden', isActive: false } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: 'Vertrieb', host: 'imaps://vertrieb@example.de@mail.example.de:993/Kunden', folder: 'Kunden', isActive: false, lastUid: 0 });
    expect(JSON.stringify(res.body)).not.toContain('geheim');
    const [row] = await t.hub.db.select().from(mailboxes).where(eq(mailboxes.id, res.body.id));
    expect(row!.urlEncrypted).not.toContain('geheim');
    expect(new SecretBox(Buffer.from('a'.repeat(64), 'hex')).open(row!.urlEncrypted)).toBe('imaps://vertrieb%40example.de:geheim!123@mail.example.de:993/Kunden');
    expect(() => new SecretBox(Buffer.alloc(32, 1)).open(row!.urlEncrypted)).toThrow();
    const audits = await t.hub.db.select().from(auditLog).where(eq(auditLog.entityId, res.body.id));
    expect(JSON.stringify(audits)).not.toContain('geheim');

    const dup = await t.request('POST', '/api/mailboxes', { token: t.adminToken, body: { name: 'Vertrieb', url: 'imap://a:b@h/INBOX' } });
    expect(dup.status).toBe(409);
    const stale = await t.request('PATCH', `/api/mailboxes/${res.body.id}`, { token: t.adminToken, body: { version: 9, isActive: true } });
    expect(stale.status).toBe(409);
    const agent = await t.userWithRole('agent');
    expect((await t.request('GET', '/api/mailboxes', { token: agent.token })).status).toBe(403);
    expect((await t.request('POST', '/api/mailboxes', { token: t.adminToken, body: { name: 'x', url: 'https://nope' } })).status).toBe(400);
    expect((await t.request('DELETE', `/api/mailboxes/${res.body.id}`, { token: t.adminToken })).status).toBe(204);
  });

  it('starts polling a mailbox added through the API, and its mail lands in the mailbox\'s team', async () => {
    const team = await makeTeam(t.hub.db);
    const res = await t.request('POST', '/api/mailboxes', { token: t.adminToken, body: { name: 'Team Süd', url: dovecot.url, teamId: team.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await dovecot.append(['From: sued@example.de\r\nTo: sued@hub.example\r\nSubject: Kessel\r\nMessage-ID: <team-1@example.de>\r\n\r\nKessel aus.\r\n']);
    await expect.poll(async () => (await t.hub.db.select().from(emailMessages).where(eq(emailMessages.messageId, '<team-1@example.de>'))).length, { timeout: 15_000 }).toBe(1);
    const [m] = await t.hub.db.select().from(emailMessages).where(eq(emailMessages.messageId, '<team-1@example.de>'));
    expect(m!.mailboxId).toBe(res.body.id);
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, m!.requestId!));
    expect(req!.teamId).toBe(team.id);
    const position = async () => (await t.request('GET', '/api/mailboxes', { token: t.adminToken })).body.items.find((b: { id: string }) => b.id === res.body.id);
    await expect.poll(position, { timeout: 10_000 }).toMatchObject({ lastUid: 1, lastError: null });
    // Deactivated: the poller stops and later mail stays on the server, unprocessed.
    const off = await t.request('PATCH', `/api/mailboxes/${res.body.id}`, { token: t.adminToken, body: { version: res.body.version, isActive: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await expect.poll(() => t.hub.mail.intake.mailboxCount, { timeout: 5_000 }).toBe(0);
  });
});
