// Pure decisions behind the dispatch board and the technician's day: order, slots, labels, money.
import type { OrderStatus, Priority } from '../api/types';

const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, normal: 2, low: 3 };

interface Sortable { priority: Priority; dueAt: string | null; createdAt: string }

/** Unassigned work as the hub ranks it: priority, then the earliest due time (none last), then age. */
export function sortUnassigned<T extends Sortable>(orders: readonly T[]): T[] {
  return [...orders].sort((a, b) =>
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]
    || (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity)
    || Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

interface Sequenced { sequence?: number | null | undefined; scheduledFor?: string | null | undefined }

/** A technician's visits in the hub's sequence; unsequenced ones after, by planned time. */
export function inSequence<T extends Sequenced>(visits: readonly T[]): T[] {
  const at = (v: T) => (v.scheduledFor ? Date.parse(v.scheduledFor) : Infinity);
  return [...visits].sort((a, b) => (a.sequence ?? Infinity) - (b.sequence ?? Infinity) || at(a) - at(b));
}

/** The local day (YYYY-MM-DD) of a moment, in the browser's zone. */
export function localDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export const DAY_START_HOUR = 8;
export const SLOT_MINUTES = 90;

/**
 * When a dropped order is planned: the slot after the technician's last planned visit that day,
 * from 08:00 local; the hub then routes the day and may reorder. Never in the past when the
 * day is today, never past 23:45.
 */
export function dropTime(day: string, visits: readonly Sequenced[], now = new Date()): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const start = new Date(y, m - 1, d, DAY_START_HOUR, 0, 0, 0);
  const last = Math.max(start.getTime() - SLOT_MINUTES * 60_000, ...visits.map((v) => (v.scheduledFor ? Date.parse(v.scheduledFor) : -Infinity)));
  let at = new Date(last + SLOT_MINUTES * 60_000);
  if (localDay(now) === day && at < now) at = new Date(Math.ceil(now.getTime() / 900_000) * 900_000);
  // A full day still takes the order on that day (the hub routes it); it never spills into tomorrow.
  const lastSlot = new Date(y, m - 1, d, 23, 45, 0, 0);
  return at > lastSlot ? lastSlot : at;
}

/** What the technician's buttons say for a status they may move to. */
export const STATUS_ACTION: Partial<Record<OrderStatus, string>> = {
  en_route: 'Start driving', on_site: 'Arrived on site', completed: 'Complete work', dispatched: 'Back to dispatched',
};

/** Which transitions a technician sees as buttons, the forward step first. */
export function fieldActions(allowed: readonly OrderStatus[]): Array<{ to: OrderStatus; label: string; isPrimary: boolean }> {
  const forward: OrderStatus[] = ['en_route', 'on_site', 'completed'];
  return [...allowed].filter((s) => STATUS_ACTION[s])
    .sort((a, b) => (forward.includes(a) ? 0 : 1) - (forward.includes(b) ? 0 : 1))
    .map((to) => ({ to, label: STATUS_ACTION[to]!, isPrimary: forward.includes(to) }));
}

/** Cents as money in the order's currency. */
export function money(cents: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

/** Margin as a share of the plan; null when nothing was planned. */
export function marginRatio(plannedCents: number, actualCents: number): number | null {
  return plannedCents > 0 ? (plannedCents - actualCents) / plannedCents : null;
}

/** Price input (e.g. "12,50" or "12.5") to cents; null when it is not a price. */
export function parseCents(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}
