import { z } from 'zod';
import { Channel, Priority, RequestType, Severity } from './model.js';

/** Who caused an intake event or a change; recorded on the timeline and in the audit log. */
export const Actor = z.object({
  type: z.enum(['user', 'api_key', 'device', 'customer', 'system']),
  id: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const ContactHint = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  phone: z.string().trim().min(3).max(40).optional(),
});

/** Why an inbound mail opens nothing and gets no acknowledgement (loop and noise protection). */
export const MailNoise = z.enum(['auto_submitted', 'precedence', 'auto_response_suppress', 'list', 'bounce']);

/**
 * The email channel's part of an intake event: what threading needs (decided inside the
 * pipeline's transaction, so a reply in the same batch as its original still finds it) and
 * what the email_messages row keeps.
 */
export const EmailIntake = z.object({
  messageId: z.string().min(1).max(998),
  mailboxId: z.uuid().nullable().default(null),
  from: z.string().max(320),
  to: z.array(z.string().max(320)).max(200).default([]),
  /** the number in an [SR-000123] subject tag */
  srNumber: z.number().int().positive().nullable().default(null),
  inReplyTo: z.string().max(998).nullable().default(null),
  references: z.array(z.string().max(998)).max(100).default([]),
  noise: MailNoise.nullable().default(null),
  /** a reply to a closed request reopens it, or opens a new request linked to it */
  onClosed: z.enum(['reopen', 'new']).default('reopen'),
  /** new requests per sender and hour before the sender is quarantined */
  senderHourlyLimit: z.number().int().positive().default(20),
  headers: z.record(z.string(), z.string()).default({}),
  text: z.string().max(1_000_000).default(''),
  html: z.string().max(2_000_000).nullable().default(null),
  attachments: z.array(z.object({
    filename: z.string().nullable(), contentType: z.string(), size: z.number().int().nonnegative(),
    sha256: z.string().nullable(), isInline: z.boolean(), skipped: z.string().optional(),
  })).default([]),
});
export type EmailIntake = z.infer<typeof EmailIntake>;

/**
 * One thing that arrived on a channel, normalised. Connectors build these and nothing else;
 * the pipeline turns them into requests in one transaction per micro-batch.
 */
export const IntakeEvent = z.object({
  channel: Channel,
  /** the source message's identity (MQTT message id, Message-ID, Idempotency-Key): a repeat changes nothing */
  sourceKey: z.string().min(1).max(500).optional(),
  receivedAt: z.coerce.date(),
  actor: Actor,
  type: RequestType.default('request'),
  priority: Priority.optional(),
  categoryId: z.uuid().optional(),
  subject: z.string().trim().min(1).max(300),
  description: z.string().max(100_000).default(''),
  customFields: z.record(z.string(), z.unknown()).default({}),
  contactId: z.uuid().optional(),
  contact: ContactHint.optional(),
  customerId: z.uuid().optional(),
  assetId: z.uuid().optional(),
  serialNumber: z.string().trim().min(1).max(100).optional(),
  deviceId: z.uuid().optional(),
  faultCode: z.string().max(100).optional(),
  /** phone: the agent chose to add this call to an open request */
  attachToRequestId: z.uuid().optional(),
  /** the agent (or sender) wants a new request even if the asset has an open one */
  isForcedNew: z.boolean().default(false),
  /** mqtt: the fault alarm itself (the alarm stage takes these, not the per-event path) */
  alarm: z.object({
    state: z.enum(['raised', 'cleared']),
    /** unset: the fault code's default */
    severity: Severity.optional(),
    /** the device's `ts`, else when the hub received it: state follows this, not arrival order */
    occurredAt: z.coerce.date(),
    /** the device's message id, if it sent one */
    messageId: z.string().min(1).max(200).optional(),
    message: z.string().max(2000).optional(),
  }).optional(),
  /** the queue the source belongs to (a team's own mailbox): takes precedence over routing rules */
  teamId: z.uuid().optional(),
  /** email: the message itself, its threading evidence and loop-protection verdict */
  email: EmailIntake.optional(),
  /** extra facts for the timeline entry the event produces (email: which evidence threaded it) */
  timelineData: z.record(z.string(), z.unknown()).default({}),
});
export type IntakeEvent = z.infer<typeof IntakeEvent>;
export type IntakeEventInput = z.input<typeof IntakeEvent>;

export const IntakeResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), requestId: z.uuid(), number: z.string() }),
  /** attached to an open request of the same asset (or the one the agent chose) */
  z.object({ kind: z.literal('attached'), requestId: z.uuid(), number: z.string(), reason: z.string() }),
  /** the same source message was recorded before: nothing changed */
  z.object({ kind: z.literal('duplicate'), requestId: z.uuid().nullable(), number: z.string().nullable() }),
  /** email noise (auto-reply, list mail, bounce without a request, our own mail) or a quarantined sender: recorded, nothing opened */
  z.object({ kind: z.literal('ignored'), requestId: z.uuid().nullable(), number: z.null(), reason: z.string() }),
]);
export type IntakeResult = z.infer<typeof IntakeResult>;
