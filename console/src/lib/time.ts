// Ages and SLA countdowns as agents read them: short, and coloured by what is left.

export function shortAge(fromIso: string, now: number): string {
  return shortDuration(now - Date.parse(fromIso));
}

export function shortDuration(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  if (m < 1) return '<1m';
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export type SlaLevel = 'ok' | 'warn' | 'breached' | 'none';

/** Warn when less than 20 % of the allowed time is left (from creation to the due time). */
export function slaLevel(createdIso: string, dueIso: string | null, now: number): SlaLevel {
  if (!dueIso) return 'none';
  const due = Date.parse(dueIso);
  const total = due - Date.parse(createdIso);
  const left = due - now;
  if (left <= 0) return 'breached';
  return total > 0 && left / total < 0.2 ? 'warn' : 'ok';
}

export function slaText(dueIso: string | null, now: number): string {
  if (!dueIso) return '—';
  const left = Date.parse(dueIso) - now;
  return left <= 0 ? `−${shortDuration(left)}` : shortDuration(left);
}

export function clockTime(d: Date): string {
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString([], { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
}
