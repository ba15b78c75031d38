import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { outbox } from '../../db/schema/index.js';
import type { Logger } from '../platform/logger.js';
import type { MailTransport } from '../platform/mail/port.js';
import { isNonRetryable } from '../platform/jobs/port.js';
import type { MailIdentity } from './outbox.js';

export const MAX_ATTEMPTS = 8;
const LEASE_SECONDS = 120;

/** 30 s, 1 min, 2 min, … capped at an hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

type OutboxRow = typeof outbox.$inferSelect;

/**
 * Delivers due outbox rows. A row is claimed with a lease in its own statement (status
 * sending, lease_until), sent, then marked sent — only by the holder of that claim. If the
 * process dies between the SMTP server's acceptance and the mark, the lease runs out and the
 * mail goes again with the same Message-ID, which receivers use to drop the copy; that window
 * is the only way a mail is delivered twice.
 */
export class OutboxSender {
  readonly #log: Logger;
  constructor(private readonly db: Db, private readonly transport: MailTransport, private readonly id: MailIdentity, log: Logger) {
    this.#log = log.child({ component: 'outbox-sender' });
  }

  async claimNext(): Promise<OutboxRow | null> {
    const due = this.db.select({ id: outbox.id }).from(outbox).where(or(
      and(eq(outbox.status, 'queued'), lte(outbox.nextAttemptAt, sql`now()`)),
      and(eq(outbox.status, 'sending'), lt(outbox.leaseUntil, sql`now()`)),
    )).orderBy(outbox.nextAttemptAt).limit(1).for('update', { skipLocked: true });
    const [row] = await this.db.update(outbox).set({
      status: 'sending', attempts: sql`${outbox.attempts} + 1`,
      leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    }).where(inArray(outbox.id, due)).returning();
    return row ?? null;
  }

  /** Sends until nothing is due (or `limit` mails); returns how many were sent. */
  async sendDue(limit = 500): Promise<number> {
    let sent = 0;
    for (let i = 0; i < limit; i++) {
      const row = await this.claimNext();
      if (!row) break;
      if (await this.#deliver(row)) sent++;
    }
    return sent;
  }

  async #deliver(row: OutboxRow): Promise<boolean> {
    const mine = and(eq(outbox.id, row.id), eq(outbox.status, 'sending'), eq(outbox.attempts, row.attempts));
    try {
      await this.transport.send({
        from: this.id.from, to: row.toAddress, subject: row.subject, text: row.text, html: row.html,
        messageId: row.messageId, inReplyTo: row.inReplyTo, references: row.references,
        // Automatic mail says so (RFC 3834), and asks Exchange not to answer it with out-of-office.
        headers: row.isAutomatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
      });
    } catch (err) {
      const isFinal = isNonRetryable(err) || row.attempts >= MAX_ATTEMPTS;
      await this.db.update(outbox).set({
        status: isFinal ? 'failed' : 'queued', leaseUntil: null, lastError: String((err as Error).message ?? err).slice(0, 2000),
        nextAttemptAt: new Date(Date.now() + retryDelayMs(row.attempts)),
      }).where(mine);
      this.#log.warn({ err, outboxId: row.id, attempt: row.attempts, isFinal }, 'mail not sent');
      return false;
    }
    await this.db.update(outbox).set({ status: 'sent', sentAt: sql`now()`, leaseUntil: null, lastError: null }).where(mine);
    this.#log.info({ outboxId: row.id, kind: row.kind }, 'mail sent');
    return true;
  }
}
