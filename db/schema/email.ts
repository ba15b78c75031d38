import { sql } from 'drizzle-orm';
import {
  boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { teams } from './people.js';
import { serviceRequests } from './requests.js';

const id = () => uuid().primaryKey().defaultRandom();
const ts = () => timestamp({ withTimezone: true, precision: 3 });

/**
 * An IMAP mailbox the hub reads. The URL (with its password) is stored AES-256-GCM encrypted;
 * uid_validity + last_uid are the intake position: a restart continues after last_uid, and a
 * UIDVALIDITY change starts over (Message-ID dedup keeps that from doubling anything).
 */
export const mailboxes = pgTable('mailboxes', {
  id: id(),
  name: text().notNull(),
  teamId: uuid().references(() => teams.id, { onDelete: 'set null' }),
  /** iv.tag.ciphertext, base64url; see hub/mail/secrets.ts */
  urlEncrypted: text().notNull(),
  folder: text().notNull().default('INBOX'),
  isActive: boolean().notNull().default(true),
  uidValidity: text(),
  lastUid: integer().notNull().default(0),
  lastPolledAt: ts(),
  lastError: text(),
  version: integer().notNull().default(1),
  createdAt: ts().notNull().defaultNow(),
  updatedAt: ts().notNull().defaultNow(),
}, (t) => [uniqueIndex('mailboxes_name_key').on(t.name)]);

export interface EmailAttachmentMeta {
  filename: string | null;
  contentType: string;
  size: number;
  /** sha-256; the file is DATA_DIR/attachments/<sha256> */
  sha256: string | null;
  isInline: boolean;
  /** set when the attachment was not stored (over the size limit) */
  skipped?: string;
}

/**
 * Every message the hub received or sent, by Message-ID: threading looks replies up here
 * (In-Reply-To / References), and the unique index makes a second delivery change nothing.
 */
export const emailMessages = pgTable('email_messages', {
  id: id(),
  messageId: text().notNull(),
  requestId: uuid().references(() => serviceRequests.id, { onDelete: 'set null' }),
  mailboxId: uuid().references(() => mailboxes.id, { onDelete: 'set null' }),
  /** in | out */
  direction: text().notNull(),
  fromAddress: text().notNull(),
  toAddresses: text().array().notNull().default(sql`'{}'::text[]`),
  subject: text().notNull().default(''),
  inReplyTo: text(),
  references: text().array().notNull().default(sql`'{}'::text[]`),
  /** what threaded it: sr_tag | in_reply_to | references | new | ignored:<reason> | bounce */
  evidence: text().notNull(),
  headers: jsonb().$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  text: text().notNull().default(''),
  /** sanitised with sanitize-html before it is stored: consoles may render it */
  html: text(),
  attachments: jsonb().$type<EmailAttachmentMeta[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: ts().notNull().defaultNow(),
}, (t) => [
  uniqueIndex('email_messages_message_id_key').on(t.messageId),
  index('email_messages_request_idx').on(t.requestId, t.createdAt),
  // The per-sender rate limit counts new requests per address and hour.
  index('email_messages_from_idx').on(sql`lower(${t.fromAddress})`, t.createdAt),
]);

/**
 * The transactional outbox: a row is written in the transaction of the change that causes it,
 * and a sender job delivers it. dedup_key makes one event (or one reply) queue one mail.
 */
export const outbox = pgTable('outbox', {
  id: id(),
  /** ack | reply | notification */
  kind: text().notNull(),
  template: text().notNull(),
  requestId: uuid().references(() => serviceRequests.id, { onDelete: 'set null' }),
  toAddress: text().notNull(),
  subject: text().notNull(),
  text: text().notNull(),
  html: text(),
  /** ours, <uuid@domain of MAIL_FROM>; fixed before the first attempt so a resend is recognisable */
  messageId: text().notNull(),
  inReplyTo: text(),
  references: text().array().notNull().default(sql`'{}'::text[]`),
  isAutomatic: boolean().notNull().default(true),
  language: text().notNull().default('en'),
  dedupKey: text().notNull(),
  /** queued | sending | sent | failed */
  status: text().notNull().default('queued'),
  attempts: integer().notNull().default(0),
  nextAttemptAt: ts().notNull().defaultNow(),
  leaseUntil: ts(),
  lastError: text(),
  sentAt: ts(),
  createdAt: ts().notNull().defaultNow(),
}, (t) => [
  uniqueIndex('outbox_dedup_key').on(t.dedupKey),
  uniqueIndex('outbox_message_id_key').on(t.messageId),
  index('outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
  index('outbox_request_idx').on(t.requestId, t.createdAt),
  index('outbox_created_idx').on(t.createdAt, t.id),
]);
