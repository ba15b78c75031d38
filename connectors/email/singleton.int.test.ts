import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessages, intakeReceipts, mailboxes } from '../../db/schema/index.js';
import { loadConfig } from '../../hub/config.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/platform/logger.js';
import { createTestDatabase, uniquePrefix } from '../../test/support/databases.js';
import { startDovecot, type Dovecot } from '../../test/support/dovecot.js';
import { TEST_REDIS_URL } from '../../test/support/env.js';

const mail = (tag: string, i: number) => `From: kunde${i}@example.de\r\nTo: service@hub.example\r\nSubject: ${tag} ${i}\r\n`
  + `Message-ID: <${tag}-${i}@example.de>\r\n\r\nAnlage ${i}.\r\n`;

// Two hubs on one PostgreSQL and one Redis, both configured with the same IMAP_URL: the mailbox's
// IDLE session runs on one of them at a time (BullMQ queue with global concurrency 1), handed over
// every IMAP_SESSION_SECONDS, and taken over by the other hub when its holder stops.
describe('IMAP polling as a singleton across two hubs (BullMQ sessions)', () => {
  let dovecot: Dovecot;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const hubs: Hub[] = [];
  const prefix = uniquePrefix('imap1');
  const start = () => startHub(loadConfig({
    DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'silent',
    DATA_DIR: `.tmp/${uniquePrefix('d')}`, HUB_SECRET_KEY: 'b'.repeat(64),
    IMAP_URL: dovecot.url, IMAP_POLL_SECONDS: '60', IMAP_SESSION_SECONDS: '2',
  }), { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), isHttpOff: true });

  beforeAll(async () => {
    dovecot = await startDovecot();
    database = await createTestDatabase();
    hubs.push(await start(), await start());
  });
  afterAll(async () => {
    for (const h of hubs) await h.close();
    await database?.drop();
    await dovecot?.stop();
  });

  const recorded = async () => (await hubs[0]!.db.select({ n: count() }).from(emailMessages))[0]!.n;
  const running = () => hubs.reduce((n, h) => n + h.mail.intake.runningSessions, 0);

  it('runs one session at a time across session hand-overs and records every mail once', async () => {
    expect(hubs.map((h) => h.mail.intake.mailboxCount)).toEqual([1, 1]);
    await expect.poll(running, { timeout: 15_000 }).toBe(1);
    // Sample through several 2 s hand-overs while mail arrives: never two sessions at once.
    let most = 0;
    const sampler = setInterval(() => { most = Math.max(most, running()); }, 5);
    try {
      for (let round = 0; round < 4; round++) {
        await dovecot.append(Array.from({ length: 5 }, (_, i) => mail(`single-${round}`, i)));
        await expect.poll(recorded, { timeout: 20_000 }).toBe((round + 1) * 5);
        await new Promise((r) => setTimeout(r, 1500));
      }
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBe(1);
    const [receipts] = await hubs[0]!.db.select({ n: count() }).from(intakeReceipts).where(eq(intakeReceipts.channel, 'email'));
    expect(receipts!.n).toBe(20);
  });

  it('hands the mailbox to the other hub when the one polling it shuts down', async () => {
    await expect.poll(running, { timeout: 15_000 }).toBe(1);
    const holder = hubs.find((h) => h.mail.intake.runningSessions === 1)!;
    const other = hubs.find((h) => h !== holder)!;
    await holder.close();
    hubs.splice(hubs.indexOf(holder), 1);
    await expect.poll(() => other.mail.intake.runningSessions, { timeout: 20_000 }).toBe(1);
    await dovecot.append([mail('after-stop', 1)]);
    await expect.poll(async () => (await other.db.select().from(emailMessages).where(eq(emailMessages.messageId, '<after-stop-1@example.de>'))).length, { timeout: 20_000 }).toBe(1);
    // The position is saved after the commit and the \Processed flag.
    await expect.poll(async () => (await other.db.select().from(mailboxes).where(eq(mailboxes.name, 'IMAP_URL')))[0]!.lastUid, { timeout: 15_000 }).toBe(21);
  });
});
