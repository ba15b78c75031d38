import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { assets, deadLetters, mailboxes } from '../../db/schema/index.js';
import type { IntakeEventInput, IntakeResult } from '../contracts/intake-event.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { AttachmentStore } from './attachments.js';
import type { SecretBox } from './secrets.js';

const DEAD_LETTER_BYTES = 512 * 1024;

export interface MailboxRef { id: string; name: string; url: string; folder: string; teamId: string | null }
export interface MailboxPosition { uidValidity: string | null; lastUid: number }

/**
 * What the IMAP connector may ask of the hub (DESIGN.md: connectors never touch the database):
 * the mailboxes and their intake positions, serial number look-ups, submitting a parsed mail to
 * the pipeline, and dead letters for what cannot become a request.
 */
export class EmailIntakeService {
  readonly #log: Logger;
  constructor(private readonly d: {
    db: Db; pipeline: IntakePipeline; secrets: SecretBox; attachments: AttachmentStore; log: Logger; metrics?: Metrics;
    closedReply: 'reopen' | 'new'; senderHourlyLimit: number;
  }) {
    this.#log = d.log.child({ component: 'email-intake' });
  }

  get attachments() { return this.d.attachments; }

  async activeMailboxes(): Promise<MailboxRef[]> {
    const rows = await this.d.db.select().from(mailboxes).where(eq(mailboxes.isActive, true));
    return rows.map((r) => ({ id: r.id, name: r.name, url: this.d.secrets.open(r.urlEncrypted), folder: r.folder, teamId: r.teamId }));
  }

  /** IMAP_URL is one mailbox like the others (name "IMAP_URL"); its URL follows the environment. */
  async ensureEnvMailbox(url: string): Promise<void> {
    const folder = decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'INBOX';
    await this.d.db.insert(mailboxes).values({ name: 'IMAP_URL', urlEncrypted: this.d.secrets.seal(url), folder })
      .onConflictDoUpdate({ target: mailboxes.name, set: { urlEncrypted: this.d.secrets.seal(url), folder, isActive: true } });
  }

  async position(mailboxId: string): Promise<MailboxPosition> {
    const [r] = await this.d.db.select({ uidValidity: mailboxes.uidValidity, lastUid: mailboxes.lastUid }).from(mailboxes).where(eq(mailboxes.id, mailboxId));
    return r ?? { uidValidity: null, lastUid: 0 };
  }

  /** Only ever forward within one UIDVALIDITY; a new UIDVALIDITY starts again from 0. */
  async savePosition(mailboxId: string, p: MailboxPosition): Promise<void> {
    await this.d.db.update(mailboxes).set({ uidValidity: p.uidValidity, lastUid: p.lastUid, lastPolledAt: sql`now()`, lastError: null })
      .where(and(eq(mailboxes.id, mailboxId), sql`(${mailboxes.uidValidity} is distinct from ${p.uidValidity} or ${mailboxes.lastUid} < ${p.lastUid})`));
  }

  async recordPoll(mailboxId: string, error: string | null): Promise<void> {
    await this.d.db.update(mailboxes).set({ lastPolledAt: sql`now()`, lastError: error?.slice(0, 2000) ?? null }).where(eq(mailboxes.id, mailboxId));
  }

  /** The first candidate the install base knows (upper-case compare, like identify()). */
  async knownSerial(candidates: string[]): Promise<string | null> {
    if (candidates.length === 0) return null;
    const rows = await this.d.db.select({ serial: assets.serialNumber }).from(assets)
      .where(sql`upper(${assets.serialNumber}) in (${sql.join(candidates.map((c) => sql`${c.toUpperCase()}`), sql`, `)})`);
    const known = new Set(rows.map((r) => r.serial.toUpperCase()));
    return candidates.find((c) => known.has(c.toUpperCase())) ?? null;
  }

  /**
   * Resolves once the mail's effects are committed. A quarantined sender's mail goes to dead
   * letters with its source; every other outcome (created, attached, duplicate, ignored noise)
   * is final, and the connector may mark the message processed.
   */
  async submit(event: IntakeEventInput & { email: NonNullable<IntakeEventInput['email']> }, raw: Buffer, mailbox: MailboxRef): Promise<IntakeResult> {
    const result = await this.d.pipeline.submit({
      ...event, ...(mailbox.teamId ? { teamId: mailbox.teamId } : {}),
      email: { ...event.email, mailboxId: mailbox.id, onClosed: this.d.closedReply, senderHourlyLimit: this.d.senderHourlyLimit },
    });
    if (result.kind === 'ignored' && result.reason === 'sender_rate_limited') {
      await this.deadLetter(raw, 'quarantined', 'sender over the hourly limit of new requests: quarantined', { mailboxId: mailbox.id, from: event.email.from, messageId: event.email.messageId });
    }
    return result;
  }

  /** `kind` is the metric label (few values); `reason` the full text for the operator. */
  async deadLetter(raw: Buffer, kind: 'unparsable' | 'rejected' | 'quarantined', reason: string, meta: Record<string, unknown>): Promise<void> {
    // The source byte for byte: latin1 maps each byte to one character (PostgreSQL text refuses NUL: then base64).
    const head = raw.subarray(0, DEAD_LETTER_BYTES);
    const encoding = head.includes(0) ? 'base64' : 'latin1';
    await this.d.db.insert(deadLetters).values({
      source: 'email', reason, payload: head.toString(encoding), payloadBytes: raw.length, meta: { ...meta, encoding },
    });
    this.d.metrics?.deadLetters.inc({ source: 'email', reason: kind });
    this.#log.warn({ reason, ...meta }, 'mail dead-lettered');
  }
}
