import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetters, emailMessages, intakeReceipts, mailboxes, outbox, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import { startDovecot, type Dovecot } from '../../test/support/dovecot.js';
import { makeAsset } from '../../test/support/factories.js';
import { DRIVERS, startTestHub, type TestHub } from '../../test/support/test-hub.js';
import { PROCESSED_FLAG } from './imap-poller.js';

export function fixture(name: string, fill: Record<string, string> = {}): Buffer {
  let raw = readFileSync(new URL(`./fixtures/${name}`, import.meta.url)).toString('latin1');
  for (const [k, v] of Object.entries(fill)) raw = raw.replaceAll(`{{${k}}}`, v);
  return Buffer.from(raw, 'latin1');
}

describe.each(DRIVERS)('IMAP intake from Dovecot on %s', (driver) => {
  let dovecot: Dovecot;
  let t: TestHub;
  beforeAll(async () => {
    dovecot = await startDovecot();
    // A 60 s poll: mail arriving within the test's 15 s proves IMAP IDLE delivers it.
    t = await startTestHub(driver, { env: { IMAP_URL: dovecot.url, IMAP_POLL_SECONDS: '60', MAIL_FROM: 'Service <service@hub.example>' } });
  });
  afterAll(async () => { await t?.close(); await dovecot?.stop(); });

  const message = async (messageId: string) => {
    await expect.poll(async () => (await t.hub.db.select().from(emailMessages).where(eq(emailMessages.messageId, messageId))).length, { timeout: 15_000 }).toBe(1);
    const [m] = await t.hub.db.select().from(emailMessages).where(eq(emailMessages.messageId, messageId));
    return m!;
  };
  const timeline = (requestId: string) => t.hub.db.select().from(timelineEntries).where(eq(timelineEntries.requestId, requestId)).orderBy(timelineEntries.seq);
  const ackOf = async (requestId: string) => {
    const [a] = await t.hub.db.select().from(outbox).where(and(eq(outbox.requestId, requestId), eq(outbox.kind, 'ack')));
    return a!;
  };

  it('opens a request for a new mail, links the unit by its serial number and acknowledges it in the thread', async () => {
    const asset = await makeAsset(t.hub.db, { serialNumber: `WP-${Date.now()}`, warrantyUntil: '2099-01-01' });
    await dovecot.append([fixture('utf8-german.eml', { SERIAL: asset.serialNumber })]);
    const m = await message('<utf8-de-1@mail.example.de>');
    expect(m).toMatchObject({ direction: 'in', fromAddress: 'juergen.weiss@example.de', evidence: 'new' });
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, m.requestId!));
    expect(req).toMatchObject({ channel: 'email', subject: 'Wärmepumpe läuft nicht – Fehler E42', assetId: asset.id, warranty: 'in_warranty' });
    expect((await timeline(req!.id))[0]?.data).toMatchObject({ evidence: 'new' });
    expect(await ackOf(req!.id)).toMatchObject({ toAddress: 'juergen.weiss@example.de', inReplyTo: '<utf8-de-1@mail.example.de>', status: 'queued' });
    // Marked processed on the server, and the position is in the database.
    const c = await dovecot.client();
    await c.mailboxOpen('INBOX');
    const flagged = await c.search({ keyword: PROCESSED_FLAG }, { uid: true });
    await c.logout();
    expect(flagged).toHaveLength(1);
    const [box] = await t.hub.db.select().from(mailboxes).where(eq(mailboxes.name, 'IMAP_URL'));
    expect(box).toMatchObject({ lastUid: flagged ? flagged[0] : -1, lastError: null });
    expect(box!.uidValidity).toMatch(/^\d+$/);
  });

  it('threads replies by SR tag, by In-Reply-To, and by References when Outlook changed In-Reply-To', async () => {
    const first = await message('<utf8-de-1@mail.example.de>');
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, first.requestId!));
    const ack = await ackOf(req!.id);
    const number = `SR-${String(req!.number).padStart(6, '0')}`;
    await dovecot.append([
      fixture('outlook-reply.eml', { REFERENCES: `<utf8-de-1@mail.example.de> ${ack.messageId}` }),
      `From: juergen.weiss@example.de\r\nTo: service@hub.example\r\nSubject: Re: ${number} Nachtrag\r\nMessage-ID: <tag-1@example.de>\r\n\r\nNoch ein Foto.\r\n`,
      `From: juergen.weiss@example.de\r\nTo: service@hub.example\r\nSubject: Re: Ihre Anfrage\r\nMessage-ID: <irt-1@example.de>\r\nIn-Reply-To: ${ack.messageId}\r\n\r\nDanke!\r\n`,
    ]);
    expect(await message('<AM0PR07MB1234567ABCDEF@AM0PR07MB1234.eurprd07.prod.outlook.com>')).toMatchObject({ requestId: req!.id, evidence: 'references' });
    expect(await message('<tag-1@example.de>')).toMatchObject({ requestId: req!.id, evidence: 'sr_tag' });
    expect(await message('<irt-1@example.de>')).toMatchObject({ requestId: req!.id, evidence: 'in_reply_to' });
    const entries = (await timeline(req!.id)).filter((e) => e.kind === 'email_in');
    expect(entries.map((e) => e.data.evidence).sort()).toEqual(['in_reply_to', 'references', 'sr_tag']);
    // A reply gets no acknowledgement of its own.
    expect(await t.hub.db.select().from(outbox).where(and(eq(outbox.requestId, req!.id), eq(outbox.kind, 'ack')))).toHaveLength(1);
  });

  it('changes nothing when the same Message-ID is delivered twice', async () => {
    const before = await t.hub.db.select().from(serviceRequests);
    await dovecot.append([fixture('iso-8859-1-german.eml'), fixture('iso-8859-1-german.eml')]);
    const m = await message('<latin1-de-1@mail.example.at>');
    await expect.poll(async () => {
      const c = await dovecot.client();
      await c.mailboxOpen('INBOX');
      const all = await c.search({ all: true }, { uid: true });
      const done = await c.search({ keyword: PROCESSED_FLAG }, { uid: true });
      await c.logout();
      return (all || []).length - (done || []).length;
    }, { timeout: 15_000 }).toBe(0);
    const receipts = await t.hub.db.select().from(intakeReceipts).where(eq(intakeReceipts.sourceKey, '<latin1-de-1@mail.example.at>'));
    expect(receipts).toHaveLength(1);
    expect(await t.hub.db.select().from(serviceRequests)).toHaveLength(before.length + 1);
    expect((await timeline(m.requestId!)).filter((e) => e.kind === 'email_in')).toHaveLength(0);
  });

  it('opens nothing and acknowledges nothing for a newsletter, attaches a bounce to its request, and keeps auto-replies off new requests', async () => {
    const first = await message('<utf8-de-1@mail.example.de>');
    const ack = await ackOf(first.requestId!);
    const requestsBefore = (await t.hub.db.select().from(serviceRequests)).length;
    const outboxBefore = (await t.hub.db.select().from(outbox)).length;
    await dovecot.append([
      fixture('newsletter-reply.eml'),
      fixture('bounce.eml', { SR: 'SR-000001', BOUNCED_ID: ack.messageId }),
      fixture('auto-reply.eml', { SR: 'SR-999999', IN_REPLY_TO: '<unknown@elsewhere.example>' }),
    ]);
    expect(await message('<news-1@lists.example.de>')).toMatchObject({ requestId: null, evidence: 'ignored:precedence' });
    expect(await message('<bounce-1@mx.hub.example>')).toMatchObject({ requestId: first.requestId, evidence: 'in_reply_to' });
    expect(await message('<ooo-1@mail.example.de>')).toMatchObject({ requestId: null, evidence: 'ignored:auto_submitted' });
    const bounce = (await timeline(first.requestId!)).find((e) => e.data.noise === 'bounce');
    expect(bounce).toMatchObject({ kind: 'email_in' });
    expect(await t.hub.db.select().from(serviceRequests)).toHaveLength(requestsBefore);
    expect(await t.hub.db.select().from(outbox)).toHaveLength(outboxBefore);
  });

  it('reopens a closed request when the customer replies to it', async () => {
    const first = await message('<utf8-de-1@mail.example.de>');
    const ack = await ackOf(first.requestId!);
    const [req] = await t.hub.db.update(serviceRequests).set({ status: 'closed', closedAt: new Date(), closeReason: 'erledigt' })
      .where(eq(serviceRequests.id, first.requestId!)).returning();
    await dovecot.append([fixture('reply-closed.eml', {
      SR: `SR-${String(req!.number).padStart(6, '0')}`, IN_REPLY_TO: ack.messageId, REFERENCES: `<utf8-de-1@mail.example.de> ${ack.messageId}`,
    })]);
    expect(await message('<closed-reply-1@mail.example.de>')).toMatchObject({ requestId: req!.id, evidence: 'sr_tag' });
    const [after] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, req!.id));
    expect(after).toMatchObject({ status: 'in_progress', closedAt: null, version: req!.version + 1 });
    expect((await timeline(req!.id)).some((e) => e.kind === 'status_changed' && e.data.to === 'in_progress')).toBe(true);
  });

  it('stores attachments under DATA_DIR/attachments and keeps inline images and sanitised HTML', async () => {
    await dovecot.append([fixture('attachment-pdf.eml', { SERIAL: 'NONE-1' }), fixture('inline-image.eml'), fixture('html-with-script.eml')]);
    const withFiles = await message('<attach-1@berger-hv.example.de>');
    const pdf = withFiles.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf).toMatchObject({ filename: 'Wartungsprotokoll_März.pdf', isInline: false });
    const stored = readFileSync(path.join(t.hub.config.dataDir, 'attachments', pdf.sha256!.slice(0, 2), pdf.sha256!));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(pdf.sha256);
    expect(stored.subarray(0, 8).toString()).toBe('%PDF-1.4');
    expect((await message('<inline-1@example.ch>')).attachments).toEqual([expect.objectContaining({ isInline: true, contentType: 'image/png' })]);
    const html = (await message('<html-1@poczta.example.pl>')).html!;
    expect(html).toContain('<b>nie grzeje</b>');
    expect(html).not.toMatch(/<script|onload|javascript:|<iframe/);
  });

  it('sends an unparsable mail to dead letters with its source and goes on with the next one', async () => {
    await dovecot.append([fixture('unparsable-no-sender.eml'), fixture('gb2312-chinese.eml')]);
    const m = await message('<gb2312-zh-1@mail.example.cn>');
    const [req] = await t.hub.db.select().from(serviceRequests).where(eq(serviceRequests.id, m.requestId!));
    expect(req!.subject).toBe('热泵故障：压缩机无法启动');
    const [dl] = await t.hub.db.select().from(deadLetters).where(eq(deadLetters.source, 'email'));
    expect(dl).toMatchObject({ reason: expect.stringContaining('no sender address') });
    expect(dl!.payload).toContain('<nosender-1@broken.example>');
    expect(await t.hub.metrics.registry.getSingleMetricAsString('hub_dead_letters_total')).toContain('source="email",reason="unparsable"} 1');
  });
});
