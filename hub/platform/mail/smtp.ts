import nodemailer from 'nodemailer';
import { PermanentSendFailure, type MailTransport, type OutgoingMail } from './port.js';

export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(m: OutgoingMail) {
      try {
        const info = await transport.sendMail({
          from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html ?? undefined,
          messageId: m.messageId, inReplyTo: m.inReplyTo ?? undefined,
          references: m.references && m.references.length ? m.references : undefined,
          headers: m.headers,
        });
        return { response: String(info.response ?? '') };
      } catch (err) {
        const code = (err as { responseCode?: unknown }).responseCode;
        if (typeof code === 'number' && code >= 500) throw new PermanentSendFailure((err as Error).message, { cause: err });
        throw err;
      }
    },
    async close() { transport.close(); },
  };
}
