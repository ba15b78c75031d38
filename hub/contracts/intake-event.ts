import { z } from 'zod';
import { Channel, Priority, RequestType } from './model.js';

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
});
export type IntakeEvent = z.infer<typeof IntakeEvent>;
export type IntakeEventInput = z.input<typeof IntakeEvent>;

export const IntakeResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), requestId: z.uuid(), number: z.string() }),
  /** attached to an open request of the same asset (or the one the agent chose) */
  z.object({ kind: z.literal('attached'), requestId: z.uuid(), number: z.string(), reason: z.string() }),
  /** the same source message was recorded before: nothing changed */
  z.object({ kind: z.literal('duplicate'), requestId: z.uuid().nullable(), number: z.string().nullable() }),
]);
export type IntakeResult = z.infer<typeof IntakeResult>;
