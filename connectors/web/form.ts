import type { PublicRequestBody } from '../../hub/contracts/api/portal.js';
import type { IntakeEventInput } from '../../hub/contracts/intake-event.js';
import type { FieldDefinition } from '../../hub/contracts/model.js';

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  /** the category's attachment field it answers, if any */
  field?: string;
}

export interface WebFormOptions {
  /** the Idempotency-Key header: a double submit is one request */
  idempotencyKey?: string | undefined;
  /** the category's fields (already read), to find a serial-number field */
  fields: readonly FieldDefinition[];
  attachments: StoredAttachment[];
  receivedAt?: Date;
}

/** The intake receipt key of a form submission: scoped to the sender's address. */
export const webSourceKey = (email: string, idempotencyKey: string) => `idem:web:${email.toLowerCase()}:${idempotencyKey}`;

/**
 * A public form submission → one IntakeEvent (channel web). The key is scoped to the sender's
 * address, so two strangers who happen to pick the same Idempotency-Key do not collide.
 */
export function webFormEvent(body: PublicRequestBody, opts: WebFormOptions): IntakeEventInput {
  // A category's serial field names the unit, as the top-level serialNumber does.
  const serialField = opts.fields.find((f) => f.kind === 'serial' && typeof body.customFields[f.key] === 'string' && String(body.customFields[f.key]).trim());
  const serialNumber = body.serialNumber ?? (serialField ? String(body.customFields[serialField.key]).trim() : undefined);
  return {
    channel: 'web',
    receivedAt: opts.receivedAt ?? new Date(),
    actor: { type: 'customer' },
    type: body.type,
    ...(body.categoryId ? { categoryId: body.categoryId } : {}),
    subject: body.subject,
    description: body.description,
    customFields: body.customFields,
    contact: { name: body.name, email: body.email, ...(body.phone ? { phone: body.phone } : {}) },
    ...(serialNumber ? { serialNumber } : {}),
    // A complaint is its own case even when the unit has an open request.
    isForcedNew: body.type === 'complaint',
    timelineData: { form: true, ...(opts.attachments.length ? { attachments: opts.attachments } : {}) },
    ...(opts.idempotencyKey ? { sourceKey: webSourceKey(body.email, opts.idempotencyKey) } : {}),
  };
}
