import type { IntervalUnit } from '../contracts/model.js';

/** day (YYYY-MM-DD) + n units; a month step keeps the day of month, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addInterval(day: string, n: number, unit: IntervalUnit): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (unit === 'day' || unit === 'week') {
    const t = new Date(Date.UTC(y, m - 1, d + n * (unit === 'week' ? 7 : 1)));
    return t.toISOString().slice(0, 10);
  }
  const months = m - 1 + n;
  const year = y + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return addInterval(day, n, 'day');
}

export interface Interval { count: number; unit: IntervalUnit }

/**
 * The next due date of a schedule-anchored plan after `done`: counted from the first due date
 * (so month ends do not drift: 31 Jan, 28 Feb, 31 Mar …) and never before `today` — visits a
 * stopped hub missed are not made up one by one; the next one is.
 */
export function nextScheduledDue(first: string, every: Interval, done: string, today: string): string {
  let k = 1;
  let next = addInterval(first, every.count * k, every.unit);
  while (next <= done || next < today) next = addInterval(first, every.count * ++k, every.unit);
  return next;
}

/** Completion-anchored: the interval counts from the day the work was completed. */
export function nextCompletionDue(completedOn: string, every: Interval): string {
  return addInterval(completedOn, every.count, every.unit);
}

/** An order for `due` is made once today reaches due − lead time. */
export function isDueForOrder(due: string, leadTimeDays: number, today: string): boolean {
  return addDays(due, -leadTimeDays) <= today;
}
