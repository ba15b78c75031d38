import { z } from 'zod';

export const TemplateName = z.enum(['ack', 'reply', 'assigned', 'status_changed', 'closed', 'sla_breached', 'sla_warned', 'work_rejected']);
export type TemplateName = z.infer<typeof TemplateName>;

export interface TemplateParams {
  number: string;
  subject: string;
  trackingUrl: string;
  status?: string;
  /** an agent's reply text */
  body?: string;
  clock?: string;
  /** a deadline, ISO 8601 UTC */
  dueAt?: string;
  /** the service order a mail is about, and why (the customer rejected its work) */
  order?: string;
  reason?: string;
}

/** "2026-11-23T14:30:00.000Z" → "2026-11-23 14:30 UTC": staff read it at a glance, any zone. */
const due = (p: TemplateParams) => (p.dueAt ? `${p.dueAt.slice(0, 10)} ${p.dueAt.slice(11, 16)} UTC` : '');

interface Text { subject: (p: TemplateParams) => string; body: (p: TemplateParams) => string }
type Catalogue = Partial<Record<TemplateName, Text>>;

const en: Required<Catalogue> = {
  ack: {
    subject: (p) => `[${p.number}] We received your request: ${p.subject}`,
    body: (p) => `Thank you for your message. We opened request ${p.number} for it and will get back to you soon.\n\nTrack it here: ${p.trackingUrl}\n\nPlease keep ${p.number} in the subject when you reply.`,
  },
  reply: {
    subject: (p) => `Re: [${p.number}] ${p.subject}`,
    body: (p) => `${p.body ?? ''}\n\n--\nRequest ${p.number}: ${p.trackingUrl}`,
  },
  assigned: {
    subject: (p) => `[${p.number}] Assigned to you: ${p.subject}`,
    body: (p) => `Request ${p.number} "${p.subject}" is now assigned to you.\n\n${p.trackingUrl}`,
  },
  status_changed: {
    subject: (p) => `[${p.number}] Status: ${p.status ?? ''}`,
    body: (p) => `The status of your request ${p.number} "${p.subject}" is now: ${p.status ?? ''}.\n\n${p.trackingUrl}`,
  },
  closed: {
    subject: (p) => `[${p.number}] Closed: ${p.subject}`,
    body: (p) => `Request ${p.number} "${p.subject}" has been closed (${p.status ?? 'closed'}). Reply to this mail if the problem persists.\n\n${p.trackingUrl}`,
  },
  sla_breached: {
    subject: (p) => `[${p.number}] SLA ${p.clock ?? ''} time breached`,
    body: (p) => `The ${p.clock ?? ''} deadline of request ${p.number} "${p.subject}" has passed.\n\n${p.trackingUrl}`,
  },
  sla_warned: {
    subject: (p) => `[${p.number}] SLA ${p.clock ?? ''} deadline at ${due(p)}`,
    body: (p) => `Most of the ${p.clock ?? ''} time of request ${p.number} "${p.subject}" is used up: it is due at ${due(p)}.\n\n${p.trackingUrl}`,
  },
  work_rejected: {
    subject: (p) => `[${p.number}] Customer rejected the work on ${p.order ?? ''}`,
    body: (p) => `The customer rejected the completed work on ${p.order ?? ''} for request ${p.number} "${p.subject}":\n\n${p.reason ?? ''}\n\nThe order is back with dispatch (rejected → planned).\n\n${p.trackingUrl}`,
  },
};

const de: Required<Catalogue> = {
  ack: {
    subject: (p) => `[${p.number}] Ihre Anfrage ist eingegangen: ${p.subject}`,
    body: (p) => `Vielen Dank für Ihre Nachricht. Wir haben dazu die Anfrage ${p.number} angelegt und melden uns in Kürze.\n\nStatus verfolgen: ${p.trackingUrl}\n\nBitte lassen Sie ${p.number} im Betreff, wenn Sie antworten.`,
  },
  reply: {
    subject: (p) => `AW: [${p.number}] ${p.subject}`,
    body: (p) => `${p.body ?? ''}\n\n--\nAnfrage ${p.number}: ${p.trackingUrl}`,
  },
  assigned: {
    subject: (p) => `[${p.number}] Ihnen zugewiesen: ${p.subject}`,
    body: (p) => `Die Anfrage ${p.number} „${p.subject}“ ist Ihnen jetzt zugewiesen.\n\n${p.trackingUrl}`,
  },
  status_changed: {
    subject: (p) => `[${p.number}] Status: ${p.status ?? ''}`,
    body: (p) => `Der Status Ihrer Anfrage ${p.number} „${p.subject}“ ist jetzt: ${p.status ?? ''}.\n\n${p.trackingUrl}`,
  },
  closed: {
    subject: (p) => `[${p.number}] Abgeschlossen: ${p.subject}`,
    body: (p) => `Die Anfrage ${p.number} „${p.subject}“ wurde abgeschlossen (${p.status ?? 'closed'}). Antworten Sie auf diese Mail, falls das Problem weiter besteht.\n\n${p.trackingUrl}`,
  },
  sla_breached: {
    subject: (p) => `[${p.number}] SLA-Frist (${p.clock ?? ''}) überschritten`,
    body: (p) => `Die ${p.clock === 'response' ? 'Reaktions' : 'Lösungs'}frist der Anfrage ${p.number} „${p.subject}“ ist abgelaufen.\n\n${p.trackingUrl}`,
  },
  sla_warned: {
    subject: (p) => `[${p.number}] SLA-Frist (${p.clock ?? ''}) läuft ab: ${due(p)}`,
    body: (p) => `Die ${p.clock === 'response' ? 'Reaktions' : 'Lösungs'}frist der Anfrage ${p.number} „${p.subject}“ ist fast aufgebraucht: fällig ${due(p)}.\n\n${p.trackingUrl}`,
  },
  work_rejected: {
    subject: (p) => `[${p.number}] Kunde hat die Arbeit an ${p.order ?? ''} abgelehnt`,
    body: (p) => `Der Kunde hat die abgeschlossene Arbeit an ${p.order ?? ''} zur Anfrage ${p.number} „${p.subject}“ abgelehnt:\n\n${p.reason ?? ''}\n\nDer Auftrag liegt wieder bei der Disposition (abgelehnt → geplant).\n\n${p.trackingUrl}`,
  },
};

// Customers' languages beyond en/de: the customer-facing templates; staff mail falls back to English.
const pl: Catalogue = {
  ack: {
    subject: (p) => `[${p.number}] Otrzymaliśmy Twoje zgłoszenie: ${p.subject}`,
    body: (p) => `Dziękujemy za wiadomość. Założyliśmy zgłoszenie ${p.number} i wkrótce się odezwiemy.\n\nStatus: ${p.trackingUrl}\n\nW odpowiedzi prosimy zachować ${p.number} w temacie.`,
  },
  reply: { subject: (p) => `Odp: [${p.number}] ${p.subject}`, body: (p) => `${p.body ?? ''}\n\n--\nZgłoszenie ${p.number}: ${p.trackingUrl}` },
  closed: {
    subject: (p) => `[${p.number}] Zamknięte: ${p.subject}`,
    body: (p) => `Zgłoszenie ${p.number} „${p.subject}” zostało zamknięte. Jeśli problem nadal występuje, odpowiedz na tę wiadomość.\n\n${p.trackingUrl}`,
  },
};
const hu: Catalogue = {
  ack: {
    subject: (p) => `[${p.number}] Megkaptuk bejelentését: ${p.subject}`,
    body: (p) => `Köszönjük üzenetét. A(z) ${p.number} számú bejelentést rögzítettük, hamarosan jelentkezünk.\n\nÁllapot: ${p.trackingUrl}\n\nVálaszában kérjük, hagyja meg a(z) ${p.number} jelölést a tárgyban.`,
  },
  reply: { subject: (p) => `Vá: [${p.number}] ${p.subject}`, body: (p) => `${p.body ?? ''}\n\n--\nBejelentés ${p.number}: ${p.trackingUrl}` },
  closed: {
    subject: (p) => `[${p.number}] Lezárva: ${p.subject}`,
    body: (p) => `A(z) ${p.number} „${p.subject}” bejelentést lezártuk. Ha a probléma továbbra is fennáll, válaszoljon erre a levélre.\n\n${p.trackingUrl}`,
  },
};
const zh: Catalogue = {
  ack: {
    subject: (p) => `[${p.number}] 我们已收到您的请求：${p.subject}`,
    body: (p) => `感谢您的来信。我们已为此创建服务请求 ${p.number}，会尽快与您联系。\n\n查看进度：${p.trackingUrl}\n\n回复时请在主题中保留 ${p.number}。`,
  },
  reply: { subject: (p) => `回复: [${p.number}] ${p.subject}`, body: (p) => `${p.body ?? ''}\n\n--\n服务请求 ${p.number}：${p.trackingUrl}` },
  closed: {
    subject: (p) => `[${p.number}] 已关闭：${p.subject}`,
    body: (p) => `服务请求 ${p.number}“${p.subject}”已关闭。如问题仍然存在，请回复此邮件。\n\n${p.trackingUrl}`,
  },
};

const CATALOGUES: Record<string, Catalogue> = { en, de, pl, hu, zh };
export const LANGUAGES = Object.keys(CATALOGUES);

/** "de-AT", "DE", "de_CH" → "de"; unknown or missing → "en". */
export function pickLanguage(preferred: string | null | undefined): string {
  const base = (preferred ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return base in CATALOGUES ? base : 'en';
}

/** The rendered mail in the language asked for, or English where that language has no such template. */
export function renderTemplate(name: TemplateName, language: string, p: TemplateParams): { subject: string; text: string; language: string } {
  const lang = pickLanguage(language);
  const own = CATALOGUES[lang]?.[name];
  const t = own ?? en[name];
  return { subject: t.subject(p).slice(0, 900), text: t.body(p), language: own ? lang : 'en' };
}
