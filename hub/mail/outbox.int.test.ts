import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, outbox, teamMembers, timelineEntries } from '../../db/schema/index.js';
import type { IntakeEventInput } from '../contracts/intake-event.js';
import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { makeTeam } from '../../test/support/factories.js';
import { createLogger } from '../platform/logger.js';
import { mailIdentity, queueMails } from './outbox.js';

const customer = { type: 'customer' as const };
let n = 0;
const email = (e: Partial<IntakeEventInput> = {}): IntakeEventInput => ({
  channel: 'email', receivedAt: new Date(), actor: customer, subject: `Heizung defekt ${++n}`,
  contact: { email: `kunde${n}.${Date.now()}@example.de`, name: 'Kunde' }, ...e,
});

describe.each(DRIVERS)('mail outbox with an SMTP server, on %s', (driver) => {
  let t: TestHub;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestHub(driver, { env: { SMTP_URL: sink.url, MAIL_FROM: 'Service <service@hub.example>', PUBLIC_URL: 'https://hub.example' } });
  });
  afterAll(async () => { await t?.close(); await sink?.close(); });
  const mailsTo = (to: string) => sink.mails.filter((m) => m.envelopeTo.includes(to));

  it('acknowledges a new email request once, with the SR tag, a tracking link and auto-reply headers', async () => {
    const ev = email();
    const r = await t.hub.pipeline.submit(ev);
    expect(r.kind).toBe('created');
    if (r.kind !== 'created') return;
    await expect.poll(() => mailsTo(ev.contact!.email!).length, { timeout: 10_000 }).toBe(1);
    const m = mailsTo(ev.contact!.email!)[0]!.parsed;
    expect(m.subject).toContain(`[${r.number}]`);
    // The customer's link is the portal's tracking page (an HMAC link), not the staff console.
    expect(m.text).toContain(`https://hub.example/portal/t/${r.requestId}.`);
    expect(m.headers.get('auto-submitted')).toBe('auto-replied');
    expect(m.messageId).toMatch(/^<[0-9a-f-]{36}@hub\.example>$/);
    const [row] = await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId));
    expect(row).toMatchObject({ kind: 'ack', status: 'sent', attempts: 1, messageId: m.messageId });
  });

  it('acknowledges each request of one batch to its own sender, with its own number', async () => {
    const evs = [email(), email(), email(), email()];
    // submitted together: they commit in one batch, and the outbox reactor queues the four at once
    const rs = await Promise.all(evs.map((ev) => t.hub.pipeline.submit(ev)));
    for (const [i, ev] of evs.entries()) {
      const r = rs[i]!;
      if (r.kind !== 'created') throw new Error(`expected a new request, got ${r.kind}`);
      await expect.poll(() => mailsTo(ev.contact!.email!).length, { timeout: 10_000 }).toBe(1);
      expect(mailsTo(ev.contact!.email!)[0]!.parsed.subject).toContain(`[${r.number}]`);
      const rows = await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId));
      expect(rows.map((m) => [m.kind, m.toAddress])).toEqual([['ack', ev.contact!.email]]);
    }
  });

  it('queues a dedup key once, also when one call carries it twice', async () => {
    const r = await t.hub.pipeline.submit(email({ channel: 'phone', actor: { type: 'system' } }));
    if (r.kind !== 'created') throw new Error(`expected a new request, got ${r.kind}`);
    const request = { id: r.requestId, number: r.number, subject: 'Heizung' };
    const mail = (dedupKey: string) => ({ kind: 'notification' as const, template: 'status_changed' as const, request, to: 'a@example.de', language: 'de', dedupKey, isAutomatic: true });
    const id = mailIdentity('Service <service@hub.example>', 'https://hub.example');
    const key = `test:${r.requestId}`;
    const first = await t.hub.db.transaction((tx) => queueMails(tx, id, [mail(key), mail(`${key}:2`), mail(key)]));
    expect(first.map((x) => typeof x)).toEqual(['string', 'string', 'object']);
    expect(first[2]).toBeNull();
    const again = await t.hub.db.transaction((tx) => queueMails(tx, id, [mail(key)]));
    expect(again).toEqual([null]);
  });

  it('writes the acknowledgement in the contact\'s language', async () => {
    const address = `de.${Date.now()}@example.de`;
    await t.hub.db.insert(contacts).values({ name: 'Frau Müller', email: address, language: 'de-AT' });
    await t.hub.pipeline.submit(email({ contact: { email: address } }));
    await expect.poll(() => mailsTo(address).length, { timeout: 10_000 }).toBe(1);
    expect(mailsTo(address)[0]!.parsed.subject).toMatch(/Ihre Anfrage ist eingegangen/);
  });

  it('sends an agent reply from the request view with the timeline entry, threaded on the customer\'s mail', async () => {
    const ev = email();
    const r = await t.hub.pipeline.submit(ev);
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    const res = await t.request('POST', `/api/requests/${r.requestId}/replies`, { token: t.adminToken, body: { body: 'Wir kommen morgen um 9 Uhr.' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.entry).toMatchObject({ kind: 'email_out', body: 'Wir kommen morgen um 9 Uhr.' });
    await expect.poll(() => mailsTo(ev.contact!.email!).length, { timeout: 10_000 }).toBe(2);
    const reply = mailsTo(ev.contact!.email!).find((m) => m.parsed.text?.includes('morgen um 9'))!.parsed;
    expect(reply.headers.get('auto-submitted')).toBeUndefined();
    expect(reply.subject).toContain(`[${r.number}]`);
    const entries = await t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, r.requestId));
    expect(entries.find((e) => e.kind === 'email_out')?.data).toMatchObject({ messageId: reply.messageId });
    const listed = await t.request('GET', `/api/requests/${r.requestId}/emails`, { token: t.adminToken });
    expect(listed.body.outbound.map((o: { kind: string }) => o.kind), JSON.stringify(listed.body)).toEqual(['ack', 'reply']);
  });

  it('retries after a temporary SMTP refusal and never sends the mail twice', async () => {
    sink.reject(451, 'try again later');
    const ev = email();
    const r = await t.hub.pipeline.submit(ev);
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    await expect.poll(async () => (await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId)))[0]?.lastError, { timeout: 10_000 }).toBeTruthy();
    const [queued] = await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId));
    expect(queued).toMatchObject({ status: 'queued', attempts: 1, lastError: expect.stringContaining('try again') });
    expect(queued!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Bring the retry forward instead of waiting out the backoff.
    await t.hub.db.update(outbox).set({ nextAttemptAt: new Date() }).where(eq(outbox.id, queued!.id));
    t.hub.mail.kick();
    t.hub.mail.kick();
    await expect.poll(async () => (await t.hub.db.select().from(outbox).where(eq(outbox.id, queued!.id)))[0]?.status, { timeout: 10_000 }).toBe('sent');
    expect(mailsTo(ev.contact!.email!)).toHaveLength(1);
  });

  it('sends each due mail once when two senders race, and resends with the same Message-ID after a lost lease', async () => {
    const { OutboxSender } = await import('./sender.js');
    const { createSmtpTransport } = await import('../platform/mail/smtp.js');
    const transport = createSmtpTransport(sink.url);
    const senders = [1, 2].map(() => new OutboxSender(t.hub.db, transport, t.hub.mail.identity, createLogger('silent')));
    // Queue mail without waking the hub's own sender: rows written straight into the outbox.
    const rows = await t.hub.db.insert(outbox).values(Array.from({ length: 12 }, (_, i) => ({
      kind: 'notification', template: 'assigned', toAddress: `race${i}.${Date.now()}@example.de`, subject: `race ${i}`, text: 'x',
      messageId: `<race-${i}-${Date.now()}@hub.example>`, dedupKey: `race:${i}:${Date.now()}`,
    }))).returning();
    await Promise.all(senders.map((s) => s.sendDue()));
    for (const r of rows) expect(mailsTo(r.toAddress), r.toAddress).toHaveLength(1);
    // A crash after the SMTP server accepted but before "sent" was recorded: the lease runs out.
    const [lost] = rows;
    await t.hub.db.update(outbox).set({ status: 'sending', leaseUntil: new Date(Date.now() - 1000) }).where(eq(outbox.id, lost!.id));
    await senders[0]!.sendDue();
    // (the hub's own sweep may be the one that picks it up: either way, exactly one resend)
    await expect.poll(() => mailsTo(lost!.toAddress).length, { timeout: 20_000 }).toBe(2);
    const copies = mailsTo(lost!.toAddress);
    expect(copies[1]!.parsed.messageId).toBe(copies[0]!.parsed.messageId);
    await transport.close();
  });

  it('gives up at once on a permanent refusal', async () => {
    sink.reject(550, 'no such user');
    const r = await t.hub.pipeline.submit(email());
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    await expect.poll(async () => (await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId)))[0]?.status, { timeout: 10_000 }).toBe('failed');
  });

  it('sends a failed mail again when a supervisor retries it, once, with the same Message-ID', async () => {
    sink.reject(550, 'mailbox unavailable');
    const r = await t.hub.pipeline.submit(email());
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    const row = async () => (await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId)))[0]!;
    await expect.poll(async () => (await row()).status, { timeout: 10_000 }).toBe('failed');
    const failed = await row();
    const agent = await t.userWithRole('agent');
    expect((await t.request('POST', `/api/outbox/${failed.id}/retry`, { token: agent.token })).status).toBe(403);
    const supervisor = await t.userWithRole('supervisor');
    const res = await t.request('POST', `/api/outbox/${failed.id}/retry`, { token: supervisor.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'queued', attempts: 0 });
    await expect.poll(async () => (await row()).status, { timeout: 10_000 }).toBe('sent');
    expect(mailsTo(failed.toAddress).map((m) => m.raw.includes(failed.messageId))).toEqual([true]);
    const again = await t.request('POST', `/api/outbox/${failed.id}/retry`, { token: supervisor.token });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ status: 'sent', allowed: ['failed'] });
  });

  it('notifies the assignee, and on closing the reporter, assignee, dispatcher and supervisor of the team', async () => {
    const team = await makeTeam(t.hub.db);
    const agent = await t.userWithRole('agent');
    const dispatcher = await t.userWithRole('dispatcher');
    const supervisor = await t.userWithRole('supervisor');
    await t.hub.db.insert(teamMembers).values([agent, dispatcher, supervisor].map((u) => ({ teamId: team.id, userId: u.userId })));
    const ev = email();
    const r = await t.hub.pipeline.submit(ev);
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    let res = await t.request('PATCH', `/api/requests/${r.requestId}`, { token: t.adminToken, body: { version: 1, teamId: team.id, assigneeId: agent.userId } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    res = await t.request('PATCH', `/api/requests/${r.requestId}`, { token: t.adminToken, body: { version: res.body.version, status: 'closed_unresolved', reason: 'Kunde nicht erreichbar' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = await t.hub.db.select().from(outbox).where(eq(outbox.requestId, r.requestId));
    const byTemplate = (tpl: string) => rows.filter((o) => o.template === tpl).map((o) => o.toAddress).sort();
    const staff = await Promise.all([agent, dispatcher, supervisor].map(async (u) => (await t.request('GET', `/api/users/${u.userId}`, { token: t.adminToken })).body.email as string));
    expect(byTemplate('assigned')).toEqual([staff[0]]);
    expect(byTemplate('closed')).toEqual([ev.contact!.email!, ...staff].sort());
    await expect.poll(() => sink.mails.filter((m) => m.parsed.subject?.includes(`[${r.number}] Closed`)).length, { timeout: 10_000 }).toBe(4);
  });
});

describe('mail outbox without SMTP_URL (embedded default)', () => {
  let t: TestHub;
  beforeAll(async () => { t = await startTestHub('pglite'); });
  afterAll(async () => { await t?.close(); });

  it('keeps the mails and lists them in GET /api/outbox', async () => {
    const ev = email();
    const r = await t.hub.pipeline.submit(ev);
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    const res = await t.request('GET', `/api/outbox?requestId=${r.requestId}`, { token: t.adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ kind: 'ack', status: 'queued', to: ev.contact!.email, attempts: 0 })]);
    const agent = await t.userWithRole('technician');
    expect((await t.request('GET', '/api/outbox', { token: agent.token })).status).toBe(403);
  });

  it('queues nothing for a phone request', async () => {
    const r = await t.hub.pipeline.submit(email({ channel: 'phone', actor: { type: 'system' } }));
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    const res = await t.request('GET', `/api/outbox?requestId=${r.requestId}`, { token: t.adminToken });
    expect(res.body.items).toEqual([]);
  });
});

describe('mail outbox with jobs on BullMQ (REDIS_URL)', () => {
  let t: TestHub;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestHub('pglite', { isRedis: true, env: { SMTP_URL: sink.url } });
  });
  afterAll(async () => { await t?.close(); await sink?.close(); });

  it('delivers the acknowledgement through the outbox.send job', async () => {
    const ev = email();
    const r = await t.hub.pipeline.submit(ev);
    expect(r.kind).toBe('created');
    await expect.poll(() => sink.mails.filter((m) => m.envelopeTo.includes(ev.contact!.email!)).length, { timeout: 15_000 }).toBe(1);
  });
});
