import type { DomainEvent, DomainEventType, RequestSummary } from '../contracts/domain-events.js';
import type { TemplateName, TemplateParams } from './templates.js';

/** reporter: the request's contact; assignee; the request team's dispatchers and supervisors. */
export type Recipient = 'reporter' | 'assignee' | 'dispatcher' | 'supervisor';
export type MailKind = 'ack' | 'reply' | 'notification';

type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

export interface NotificationRule {
  on: DomainEventType;
  template: TemplateName;
  kind: MailKind;
  recipients: readonly Recipient[];
  /** the request the mail is about, or null when the rule does not apply to this event */
  match: (e: DomainEvent) => { request: RequestSummary; params?: Partial<TemplateParams> } | null;
}

function rule<T extends DomainEventType>(r: {
  on: T; template: TemplateName; kind?: MailKind; recipients: readonly Recipient[];
  match: (e: EventOf<T>) => { request: RequestSummary; params?: Partial<TemplateParams> } | null;
}): NotificationRule {
  return {
    on: r.on, template: r.template, kind: r.kind ?? 'notification', recipients: r.recipients,
    match: (e) => (e.type === r.on ? r.match(e as EventOf<T>) : null),
  };
}

const isClosed = (s: string) => s === 'closed' || s === 'closed_unresolved';

/**
 * Which domain event mails whom with which template. A new event (an SLA warning, an order
 * status change) is one more line here; the outbox reactor does the rest.
 */
export const NOTIFICATION_RULES: readonly NotificationRule[] = [
  rule({
    on: 'request.created', template: 'ack', kind: 'ack', recipients: ['reporter'],
    match: (e) => (e.data.channel === 'email' || e.data.channel === 'web' ? { request: e.data } : null),
  }),
  rule({
    on: 'request.updated', template: 'assigned', recipients: ['assignee'],
    match: (e) => (e.data.changed.includes('assigneeId') && e.data.request.assigneeId ? { request: e.data.request } : null),
  }),
  rule({
    on: 'request.updated', template: 'status_changed', recipients: ['reporter'],
    match: (e) => (e.data.changed.includes('status') && !isClosed(e.data.request.status) && e.data.request.status !== 'assigned'
      ? { request: e.data.request, params: { status: e.data.request.status } } : null),
  }),
  rule({
    on: 'request.updated', template: 'closed', recipients: ['reporter', 'assignee', 'dispatcher', 'supervisor'],
    match: (e) => (e.data.changed.includes('status') && isClosed(e.data.request.status)
      ? { request: e.data.request, params: { status: e.data.request.status } } : null),
  }),
  rule({
    on: 'sla.breached', template: 'sla_breached', recipients: ['assignee', 'supervisor'],
    match: (e) => ({ request: e.data.request, params: { clock: e.data.clock } }),
  }),
  // 80 % of the time used: whoever can still act — the assignee, or the team's dispatchers.
  rule({
    on: 'sla.warned', template: 'sla_warned', recipients: ['assignee', 'dispatcher'],
    match: (e) => ({ request: e.data.request, params: { clock: e.data.clock, dueAt: e.data.dueAt } }),
  }),
];

export function rulesFor(e: DomainEvent, rules: readonly NotificationRule[] = NOTIFICATION_RULES) {
  const out: Array<{ rule: NotificationRule; request: RequestSummary; params: Partial<TemplateParams> }> = [];
  for (const r of rules) {
    if (r.on !== e.type) continue;
    const m = r.match(e);
    if (m) out.push({ rule: r, request: m.request, params: m.params ?? {} });
  }
  return out;
}
