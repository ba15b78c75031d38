import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMail { envelopeTo: string[]; raw: string; parsed: ParsedMail }

/**
 * An SMTP server on a free loopback port that keeps what it receives. `reject` lets a test
 * answer the next deliveries with an SMTP error (4xx: try later, 5xx: permanent).
 */
export async function startSmtpSink() {
  const mails: SinkMail[] = [];
  const rejections: Array<{ code: number; message: string }> = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const next = rejections.shift();
        if (next) return callback(Object.assign(new Error(next.message), { responseCode: next.code }));
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port, mails,
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    reject(code: number, message: string) { rejections.push({ code, message }); },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
