import type { z } from 'zod';
import type { MailNoise } from '../../hub/contracts/intake-event.js';

type Noise = z.infer<typeof MailNoise>;

/** Header names lower-cased, values as received (first occurrence). */
export type HeaderMap = Record<string, string>;

const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailer)@/i;

/**
 * Loop and noise protection (RFC 3834 and what real mail servers send): mail a machine wrote,
 * list mail and bounces get no acknowledgement and open no request. Our own outgoing
 * Message-IDs are checked in the hub (it knows them).
 */
export function classifyNoise(h: HeaderMap, from: string, contentType: string): Noise | null {
  if (DAEMON.test(from) || /multipart\/report/i.test(contentType) && /report-type=["']?delivery-status/i.test(contentType)) return 'bounce';
  const auto = h['auto-submitted']?.trim().toLowerCase();
  if (auto && auto !== 'no') return 'auto_submitted';
  if (/^(bulk|junk|list)$/i.test(h.precedence?.trim() ?? '')) return 'precedence';
  if (h['x-auto-response-suppress'] !== undefined) return 'auto_response_suppress';
  if (h['list-id'] !== undefined || h['list-unsubscribe'] !== undefined) return 'list';
  return null;
}

/** The number in an [SR-000123] tag (also "SR-123" without brackets after Re:/AW:). */
export function extractSrNumber(subject: string): number | null {
  const m = /\[\s*SR-(\d{1,9})\s*\]/i.exec(subject) ?? /(?:^|\s)SR-(\d{4,9})\b/i.exec(subject);
  return m ? Number(m[1]) : null;
}

const LABELLED = /(?:serial(?:\s*(?:no\.?|number|#))?|s\/n|sn|seriennummer|serien-?nr\.?|ser\.?-?nr\.?|numer\s+seryjny|nr\s+seryjny|sorozatsz[aá]m|序列号|序號|序列號)\s*[:#.：]?\s*([A-Za-z0-9][A-Za-z0-9._/-]{2,39})/giu;
const TOKEN = /\b[A-Z0-9][A-Z0-9-]{3,39}\b/g;

/**
 * Serial number candidates in subject and body, best first: labelled ones ("S/N: HP-123"), then
 * code-like tokens with both letters and digits. The hub keeps the first one its install base knows.
 */
export function serialCandidates(subject: string, body: string): string[] {
  const text = `${subject}\n${body.slice(0, 20_000)}`;
  const out: string[] = [];
  for (const m of text.matchAll(LABELLED)) out.push(m[1]!.replace(/[.,;:]+$/, ''));
  for (const m of text.toUpperCase().matchAll(TOKEN)) {
    const t = m[0];
    if (/\d/.test(t) && /[A-Z]/.test(t) && !/^SR-\d+$/.test(t)) out.push(t);
  }
  return [...new Set(out.map((s) => s.toUpperCase()))].slice(0, 50);
}
