import { z } from '@hono/zod-openapi';
import { TimelineEntryView } from '../domain-events.js';

export const OutboxView = z.object({
  id: z.uuid(), kind: z.enum(['ack', 'reply', 'notification']), template: z.string(), requestId: z.uuid().nullable(),
  to: z.string(), subject: z.string(), text: z.string(), messageId: z.string(), inReplyTo: z.string().nullable(),
  references: z.array(z.string()), language: z.string(), isAutomatic: z.boolean(),
  status: z.enum(['queued', 'sending', 'sent', 'failed']), attempts: z.number().int(), nextAttemptAt: z.string(),
  lastError: z.string().nullable(), sentAt: z.string().nullable(), createdAt: z.string(),
}).openapi('OutboxMail');

export const OutboxListQuery = z.object({
  status: z.enum(['queued', 'sending', 'sent', 'failed']).optional(),
  requestId: z.uuid().optional(),
});

export const ReplyCreate = z.object({
  body: z.string().trim().min(1).max(50_000),
  to: z.email().max(320).optional().describe('defaults to the request\'s contact'),
}).openapi('ReplyCreate');
export const ReplyCreated = z.object({ entry: TimelineEntryView, mail: OutboxView }).openapi('ReplyCreated');

export const EmailMessageView = z.object({
  id: z.uuid(), messageId: z.string(), requestId: z.uuid().nullable(), direction: z.enum(['in', 'out']),
  from: z.string(), to: z.array(z.string()), subject: z.string(), inReplyTo: z.string().nullable(),
  references: z.array(z.string()), evidence: z.string(), text: z.string(),
  html: z.string().nullable().describe('sanitised (sanitize-html) before it was stored'),
  attachments: z.array(z.object({
    filename: z.string().nullable(), contentType: z.string(), size: z.number(), sha256: z.string().nullable(),
    isInline: z.boolean(), skipped: z.string().optional(),
  })),
  createdAt: z.string(),
}).openapi('EmailMessage');

export const MailboxCreate = z.object({
  name: z.string().trim().min(1).max(120),
  url: z.string().refine((v) => { try { return ['imap:', 'imaps:'].includes(new URL(v).protocol); } catch { return false; } }, 'expected imap:// or imaps:// URL')
    .describe('imaps://user:password@host:993/INBOX; stored encrypted, never returned'),
  teamId: z.uuid().nullable().optional(),
  isActive: z.boolean().default(true),
}).openapi('MailboxCreate');
export const MailboxUpdate = z.object({
  version: z.number().int().positive(),
  name: z.string().trim().min(1).max(120).optional(),
  url: MailboxCreate.shape.url.optional(),
  teamId: z.uuid().nullable().optional(),
  isActive: z.boolean().optional(),
}).openapi('MailboxUpdate');
export const MailboxView = z.object({
  id: z.uuid(), name: z.string(), teamId: z.uuid().nullable(), host: z.string().describe('the URL without its credentials'),
  folder: z.string(), isActive: z.boolean(), uidValidity: z.string().nullable(), lastUid: z.number().int(),
  lastPolledAt: z.string().nullable(), lastError: z.string().nullable(), version: z.number().int(), createdAt: z.string(),
}).openapi('Mailbox');
