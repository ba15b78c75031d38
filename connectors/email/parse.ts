import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import type { EmailIntake, IntakeEventInput } from '../../hub/contracts/intake-event.js';
import { classifyNoise, extractSrNumber, serialCandidates, type HeaderMap } from './classify.js';

/** The mail cannot become an intake event (no sender, not a mail at all): it goes to dead letters. */
export class UnparsableMail extends Error {
  override readonly name = 'UnparsableMail';
}

export interface ParsedInbound {
  event: IntakeEventInput & { email: Partial<EmailIntake> & Pick<EmailIntake, 'messageId' | 'from'> };
  serialCandidates: string[];
}

export interface ParseOptions {
  /** stores an attachment and returns its sha-256 */
  storeAttachment: (content: Buffer) => Promise<string>;
  maxAttachmentBytes: number;
  receivedAt?: Date;
}

const KEPT_HEADERS = [
  'subject', 'date', 'content-type', 'auto-submitted', 'precedence', 'x-auto-response-suppress', 'list-id',
  'list-unsubscribe', 'x-mailer', 'user-agent', 'return-path', 'x-failed-recipients', 'thread-index', 'thread-topic',
];

// What a console may render: text formatting, links, tables, inline images by cid: or data:.
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span', 'font', 'center'],
  allowedAttributes: { ...sanitizeHtml.defaults.allowedAttributes, img: ['src', 'alt', 'width', 'height'], '*': ['style', 'align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowedStyles: { '*': { color: [/^[#a-z0-9(),.\s%]+$/i], 'text-align': [/^(left|right|center|justify)$/], 'font-weight': [/^\w+$/] } },
};

export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

function headerMap(mail: ParsedMail): HeaderMap {
  const out: HeaderMap = {};
  for (const { key, line } of mail.headerLines) {
    if (!KEPT_HEADERS.includes(key) || key in out) continue;
    out[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim().slice(0, 2000);
  }
  if (mail.subject !== undefined) out.subject = mail.subject.slice(0, 2000);
  return out;
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value).map((v) => v.address ?? '').filter((x) => x.includes('@'));
}

const asList = (v: string[] | string | undefined) => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter(Boolean);

/** A delivery status notification names the mail it bounces for in its returned headers. */
function bouncedMessageId(mail: ParsedMail): string | null {
  for (const a of mail.attachments) {
    if (!/message\/rfc822|text\/rfc822-headers|message\/rfc822-headers/i.test(a.contentType)) continue;
    const m = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(a.content.toString('utf8'));
    if (m) return m[1]!;
  }
  return null;
}

/**
 * Raw RFC 5322 source → an intake event for the email channel. mailparser decodes charsets
 * (UTF-8, ISO-8859-x, Windows-125x, GBK, Big5 …), transfer encodings and RFC 2047 subjects;
 * HTML is sanitised here, before anything stores it.
 */
export async function parseInboundMail(raw: Buffer, o: ParseOptions): Promise<ParsedInbound> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const from = mail.from?.value.find((v) => v.address?.includes('@'));
  if (!from?.address) throw new UnparsableMail('no sender address (From)');
  const headers = headerMap(mail);
  const contentType = headers['content-type'] ?? 'text/plain';
  const noise = classifyNoise(headers, from.address, contentType);
  const references = asList(mail.references);
  let inReplyTo = mail.inReplyTo?.trim().split(/\s+/)[0] ?? null;
  if (noise === 'bounce') {
    const original = bouncedMessageId(mail);
    if (original) { references.push(original); inReplyTo ??= original; }
  }
  // Without a Message-ID the source itself is the identity: a redelivery still changes nothing.
  const messageId = mail.messageId?.trim() || `<${createHash('sha256').update(raw).digest('hex')}@no-message-id.invalid>`;
  const attachments = [];
  for (const a of mail.attachments) {
    const isTooLarge = a.size > o.maxAttachmentBytes;
    attachments.push({
      filename: a.filename ?? null, contentType: a.contentType, size: a.size, isInline: a.related || a.contentDisposition === 'inline',
      sha256: isTooLarge ? null : await o.storeAttachment(a.content),
      ...(isTooLarge ? { skipped: `larger than ${o.maxAttachmentBytes} bytes` } : {}),
    });
  }
  const subject = (mail.subject ?? '').replace(/\s+/g, ' ').trim();
  const text = (mail.text ?? '').slice(0, 100_000);
  return {
    serialCandidates: serialCandidates(subject, text),
    event: {
      channel: 'email', sourceKey: messageId.slice(0, 500), receivedAt: o.receivedAt ?? new Date(), actor: { type: 'customer' },
      subject: (subject || '(no subject)').slice(0, 300), description: text,
      contact: { email: from.address.toLowerCase(), ...(from.name?.trim() ? { name: from.name.trim().slice(0, 200) } : {}) },
      email: {
        messageId, from: from.address.toLowerCase(), to: addresses(mail.to).slice(0, 200), srNumber: extractSrNumber(subject),
        inReplyTo, references: references.slice(-100), noise, headers, text,
        html: mail.html ? sanitizeMailHtml(mail.html) : null, attachments,
      },
    },
  };
}
