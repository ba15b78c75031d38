/** One outgoing mail as the outbox holds it. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  headers?: Record<string, string>;
}

/** Thrown by a transport when retrying cannot help (a 5xx answer: unknown recipient, refused). */
export class PermanentSendFailure extends Error {
  readonly retryable = false as const;
}

/**
 * The mail port. `smtp` delivers through SMTP_URL; without SMTP_URL there is no transport at
 * all: the outbox keeps the mails and the console shows them (the embedded default).
 */
export interface MailTransport {
  readonly kind: 'smtp';
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): Promise<void>;
}
