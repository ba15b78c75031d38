import { count, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessages, intakeReceipts, mailboxes, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { createTestDatabase, uniquePrefix } from '../../test/support/databases.js';
import { startDovecot, type Dovecot } from '../../test/support/dovecot.js';

const NEW = 60;
const REPLIES = 30;

const mail = (i: number) => `From: kunde${i % 7}@example.de\r\nTo: service@hub.example\r\nSubject: Anlage ${i} defekt\r\n`
  + `Message-ID: <restart-${i}@example.de>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\n\r\nAnlage ${i} zeigt Fehler.\r\n`;
const reply = (i: number) => `From: kunde${i % 7}@example.de\r\nTo: service@hub.example\r\nSubject: Re: Anlage ${i} defekt\r\n`
  + `Message-ID: <restart-reply-${i}@example.de>\r\nIn-Reply-To: <restart-${i}@example.de>\r\nReferences: <restart-${i}@example.de>\r\n\r\nNachtrag zu ${i}.\r\n`;

describe('IMAP intake across restarts (PostgreSQL, one database, hubs one after the other)', () => {
  let dovecot: Dovecot;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let hub: Hub | null = null;
  const dataDir = `.tmp/${uniquePrefix('data')}`;
  const start = async () => startHub(loadConfig({
    DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', HUB_QUEUE_PREFIX: uniquePrefix('q'),
    IMAP_URL: dovecot.url, IMAP_POLL_SECONDS: '1', IMAP_BATCH: '10', MAIL_SENDER_HOURLY_LIMIT: '1000',
  }), { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), isHttpOff: true });

  beforeAll(async () => {
    dovecot = await startDovecot();
    database = await createTestDatabase();
    // Originals first, then the replies: every reply's original is earlier in the mailbox.
    await dovecot.append([...Array.from({ length: NEW }, (_, i) => mail(i)), ...Array.from({ length: REPLIES }, (_, i) => reply(i * 2))]);
  });
  afterAll(async () => { await hub?.close(); await database?.drop(); await dovecot?.stop(); });

  const recorded = async (h: Hub) => (await h.db.select({ n: count() }).from(emailMessages))[0]!.n;

  it('records every message exactly once when the hub stops half-way and starts again', async () => {
    hub = await start();
    const first = hub;
    await expect.poll(() => recorded(first), { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual((NEW + REPLIES) / 2);
    await first.close();
    hub = null;
    const sqlClient = postgres(database.url, { max: 1, onnotice: () => {} });
    const [atStop] = await sqlClient<Array<{ n: number }>>`select count(*)::int as n from email_messages`;
    await sqlClient.end();
    expect(atStop!.n).toBeLessThan(NEW + REPLIES);

    hub = await start();
    const second = hub;
    await expect.poll(() => recorded(second), { timeout: 30_000 }).toBe(NEW + REPLIES);
    await assertExactlyOnce(second);
  });

  it('re-reads the whole mailbox after a UIDVALIDITY change (or a crash before the position was saved) and doubles nothing', async () => {
    const h = hub!;
    // What a crash between commit and flag/position leaves behind, and what a rebuilt mailbox looks like.
    await h.db.update(mailboxes).set({ uidValidity: '1', lastUid: 0 }).where(eq(mailboxes.name, 'IMAP_URL'));
    await dovecot.append([mail(NEW)]);
    await expect.poll(() => recorded(h), { timeout: 30_000 }).toBe(NEW + REPLIES + 1);
    await expect.poll(async () => (await h.db.select().from(mailboxes).where(eq(mailboxes.name, 'IMAP_URL')))[0]!.uidValidity, { timeout: 30_000 }).not.toBe('1');
    await expect.poll(async () => (await h.db.select().from(mailboxes).where(eq(mailboxes.name, 'IMAP_URL')))[0]!.lastUid, { timeout: 30_000 }).toBe(NEW + REPLIES + 1);
    await assertExactlyOnce(h, 1);
  });

  async function assertExactlyOnce(h: Hub, extra = 0) {
    const [receipts] = await h.db.select({ n: count() }).from(intakeReceipts).where(eq(intakeReceipts.channel, 'email'));
    expect(receipts!.n).toBe(NEW + REPLIES + extra);
    const [requests] = await h.db.select({ n: count() }).from(serviceRequests).where(eq(serviceRequests.channel, 'email'));
    expect(requests!.n).toBe(NEW + extra);
    const [replies] = await h.db.select({ n: count() }).from(timelineEntries).where(eq(timelineEntries.kind, 'email_in'));
    expect(replies!.n).toBe(REPLIES);
    const threaded = await h.db.select({ evidence: emailMessages.evidence, n: count() }).from(emailMessages)
      .where(sql`${emailMessages.messageId} like '<restart-reply-%'`).groupBy(emailMessages.evidence);
    expect(threaded).toEqual([{ evidence: 'in_reply_to', n: REPLIES }]);
  }
});
