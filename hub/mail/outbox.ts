import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { anyOf } from '../../db/any.js';
import { insertRows } from '../../db/insert-rows.js';
import type { Tx } from '../../db/client.js';
import { contacts, emailMessages, outbox, serviceRequests, teamMembers, users } from '../../db/schema/index.js';
import type { LoggedEvent, RequestSummary } from '../contracts/domain-events.js';
import type { TxReactor } from '../events/bus.js';
import { NOTIFICATION_RULES, rulesFor, type MailKind, type NotificationRule, type Recipient } from './notify-rules.js';
import { pickLanguage, renderTemplate, type TemplateName, type TemplateParams } from './templates.js';

export interface MailIdentity {
  /** MAIL_FROM as configured, e.g. "Service Hub <service@example.com>" */
  from: string;
  /** the domain of MAIL_FROM's address: our Message-IDs live under it */
  domain: string;
  /** PUBLIC_URL or a local fallback, for tracking links */
  publicUrl: string;
  /** the customer's link to a request (the portal's tracking page); staff get the console's */
  customerUrl?: (requestId: string) => string;
}

export function mailIdentity(mailFrom: string, publicUrl: string | undefined): MailIdentity {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const domain = address.split('@')[1]?.trim().toLowerCase() || 'localhost';
  return { from: mailFrom, domain, publicUrl: (publicUrl ?? 'http://localhost:3000').replace(/\/$/, '') };
}

export function newMessageId(domain: string): string {
  return `<${randomUUID()}@${domain}>`;
}

export interface QueueMailInput {
  kind: MailKind;
  template: TemplateName;
  request: { id: string; number: string; subject: string };
  to: string;
  language: string | null;
  params?: Partial<TemplateParams>;
  dedupKey: string;
  isAutomatic: boolean;
  /** to the customer: the link goes to the portal's tracking page instead of the console */
  isCustomer?: boolean;
}

/**
 * Writes one mail to the outbox in the caller's transaction. It answers the customer's last
 * message on the request (In-Reply-To / References), so their reply threads back. A second
 * call with the same dedup key writes nothing.
 */
export async function queueMail(tx: Tx, id: MailIdentity, m: QueueMailInput): Promise<string | null> {
  const [queued] = await queueMails(tx, id, [m]);
  return queued ?? null;
}

/**
 * queueMail for many mails at once: one look-up of the requests' last inbound messages and one
 * insert, whatever the count (a batch of new requests queues an acknowledgement each). Answers
 * each mail's outbox id, or null where its dedup key was already taken.
 */
export async function queueMails(
  tx: Tx, id: MailIdentity, ms: readonly QueueMailInput[], inbound?: Promise<LastInbound>,
): Promise<Array<string | null>> {
  if (!ms.length) return [];
  const lastOf = await (inbound ?? lastInbound(tx, ms.map((m) => m.request.id)));
  // a key twice in one call: the first mail counts, as it would have in two calls
  const firstWithKey = new Map<string, number>();
  ms.forEach((m, i) => { if (!firstWithKey.has(m.dedupKey)) firstWithKey.set(m.dedupKey, i); });
  const values = [...firstWithKey.values()].map((i) => {
    const m = ms[i]!;
    const last = lastOf.get(m.request.id);
    const rendered = renderTemplate(m.template, pickLanguage(m.language), {
      number: m.request.number, subject: m.request.subject,
      trackingUrl: m.isCustomer && id.customerUrl ? id.customerUrl(m.request.id) : `${id.publicUrl}/requests/${m.request.id}`, ...m.params,
    });
    return {
      kind: m.kind, template: m.template, requestId: m.request.id, toAddress: m.to, subject: rendered.subject, text: rendered.text,
      messageId: newMessageId(id.domain), inReplyTo: last?.messageId ?? null,
      references: last ? [...last.references, last.messageId].slice(-20) : [],
      isAutomatic: m.isAutomatic, language: rendered.language, dedupKey: m.dedupKey,
    };
  });
  const rows = await insertRows(tx, outbox, values, { onConflict: 'on conflict (dedup_key) do nothing', returning: ['id', 'dedupKey'] });
  const idOf = new Map(rows.map((r) => [r.dedupKey, r.id]));
  return ms.map((m, i) => (firstWithKey.get(m.dedupKey) === i ? idOf.get(m.dedupKey) ?? null : null));
}

type LastInbound = Map<string, { messageId: string; references: string[] }>;

/** The last message each of these requests received, which a mail to it answers (one query). */
function lastInbound(tx: Tx, requestIds: readonly string[]): Promise<LastInbound> {
  return tx.selectDistinctOn([emailMessages.requestId], {
    requestId: emailMessages.requestId, messageId: emailMessages.messageId, references: emailMessages.references,
  }).from(emailMessages)
    .where(and(anyOf(emailMessages.requestId, [...new Set(requestIds)], 'uuid'), eq(emailMessages.direction, 'in')))
    .orderBy(emailMessages.requestId, desc(emailMessages.createdAt))
    .then((rows) => new Map(rows.flatMap((l) => (l.requestId ? [[l.requestId, l] as const] : []))));
}

interface Address { email: string; language: string | null; isCustomer?: boolean }

/** The reporters (contact email and language) of these requests, in one query. */
async function loadReporters(tx: Tx, requestIds: string[]): Promise<Map<string, Address>> {
  if (!requestIds.length) return new Map();
  const rows = await tx.select({ requestId: serviceRequests.id, email: contacts.email, language: contacts.language }).from(serviceRequests)
    .innerJoin(contacts, eq(contacts.id, serviceRequests.contactId)).where(anyOf(serviceRequests.id, [...new Set(requestIds)], 'uuid'));
  return new Map(rows.flatMap((c) => (c.email ? [[c.requestId, { email: c.email, language: c.language, isCustomer: true }] as const] : [])));
}

async function resolveRecipients(tx: Tx, r: RequestSummary, who: readonly Recipient[], reporters: Map<string, Address>): Promise<Address[]> {
  const out: Address[] = [];
  if (who.includes('reporter')) {
    const c = reporters.get(r.id);
    if (c) out.push(c);
  }
  if (who.includes('assignee') && r.assigneeId) {
    const [u] = await tx.select({ email: users.email }).from(users).where(and(eq(users.id, r.assigneeId), eq(users.isActive, true)));
    if (u) out.push({ email: u.email, language: null });
  }
  const roles = (['dispatcher', 'supervisor'] as const).filter((x) => who.includes(x));
  if (roles.length && r.teamId) {
    const staff = await tx.select({ email: users.email }).from(teamMembers).innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, r.teamId), inArray(users.role, roles), eq(users.isActive, true)));
    out.push(...staff.map((s) => ({ email: s.email, language: null })));
  }
  // One mail per address even when someone is both assignee and supervisor.
  const seen = new Set<string>();
  return out.filter((a) => !seen.has(a.email.toLowerCase()) && seen.add(a.email.toLowerCase()));
}

/**
 * The transactional reactor: for each logged event, the notification rules decide who gets
 * which mail; the rows commit with the change or not at all. `onQueued` hears which event
 * numbers produced mail, so the sender can be woken after exactly those commits.
 */
export function outboxReactor(id: MailIdentity, onQueued: (seqs: number[]) => void, rules: readonly NotificationRule[] = NOTIFICATION_RULES): TxReactor {
  return async (tx: Tx, events: LoggedEvent[]) => {
    const planned = events.flatMap((e) => rulesFor(e, rules).map((x) => ({ seq: e.seq, ...x })));
    if (!planned.length) return;
    // both reads at once: postgres.js pipelines them (one round trip)
    const inbound = lastInbound(tx, planned.map((p) => p.request.id));
    const [reporters] = await Promise.all([
      loadReporters(tx, planned.filter((p) => p.rule.recipients.includes('reporter')).map((p) => p.request.id)), inbound,
    ]);
    const mails: Array<{ seq: number; mail: QueueMailInput }> = [];
    for (const { seq, rule, request, params } of planned) {
      for (const to of await resolveRecipients(tx, request, rule.recipients, reporters)) {
        mails.push({
          seq,
          mail: {
            kind: rule.kind, template: rule.template, request, to: to.email, language: to.language, params, isCustomer: to.isCustomer ?? false,
            dedupKey: `event:${seq}:${rule.template}:${to.email.toLowerCase()}`, isAutomatic: true,
          },
        });
      }
    }
    const queued = await queueMails(tx, id, mails.map((m) => m.mail), inbound);
    const seqs = mails.filter((_, i) => queued[i]).map((m) => m.seq);
    if (seqs.length) onQueued(seqs);
  };
}
