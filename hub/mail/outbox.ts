import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
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
  const [last] = await tx.select({ messageId: emailMessages.messageId, references: emailMessages.references })
    .from(emailMessages)
    .where(and(eq(emailMessages.requestId, m.request.id), eq(emailMessages.direction, 'in')))
    .orderBy(desc(emailMessages.createdAt)).limit(1);
  const rendered = renderTemplate(m.template, pickLanguage(m.language), {
    number: m.request.number, subject: m.request.subject,
    trackingUrl: m.isCustomer && id.customerUrl ? id.customerUrl(m.request.id) : `${id.publicUrl}/requests/${m.request.id}`, ...m.params,
  });
  const [row] = await tx.insert(outbox).values({
    kind: m.kind, template: m.template, requestId: m.request.id, toAddress: m.to, subject: rendered.subject, text: rendered.text,
    messageId: newMessageId(id.domain), inReplyTo: last?.messageId ?? null,
    references: last ? [...last.references, last.messageId].slice(-20) : [],
    isAutomatic: m.isAutomatic, language: rendered.language, dedupKey: m.dedupKey,
  }).onConflictDoNothing({ target: outbox.dedupKey }).returning({ id: outbox.id });
  return row?.id ?? null;
}

interface Address { email: string; language: string | null; isCustomer?: boolean }

async function resolveRecipients(tx: Tx, r: RequestSummary, who: readonly Recipient[]): Promise<Address[]> {
  const out: Address[] = [];
  if (who.includes('reporter')) {
    const [c] = await tx.select({ email: contacts.email, language: contacts.language }).from(serviceRequests)
      .innerJoin(contacts, eq(contacts.id, serviceRequests.contactId)).where(eq(serviceRequests.id, r.id));
    if (c?.email) out.push({ email: c.email, language: c.language, isCustomer: true });
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
    const seqs: number[] = [];
    for (const e of events) {
      for (const { rule, request, params } of rulesFor(e, rules)) {
        for (const to of await resolveRecipients(tx, request, rule.recipients)) {
          const queued = await queueMail(tx, id, {
            kind: rule.kind, template: rule.template, request, to: to.email, language: to.language, params, isCustomer: to.isCustomer ?? false,
            dedupKey: `event:${e.seq}:${rule.template}:${to.email.toLowerCase()}`, isAutomatic: true,
          });
          if (queued) seqs.push(e.seq);
        }
      }
    }
    if (seqs.length) onQueued(seqs);
  };
}
