import type { BusinessCalendar, Priority } from '../contracts/model.js';
import { addBusinessHours, localDate, zonedInstant } from './business-hours.js';

const HOUR = 3_600_000;
/** A warning goes out when this share of a clock's business-time budget is used. */
export const WARN_RATIO = 0.8;

/** Business time between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  if (to <= from) return 0;
  const holidays = new Set(cal.holidays);
  let total = 0;
  let day = localDate(from, cal.timeZone);
  const last = localDate(to, cal.timeZone);
  for (let i = 0; i < 3 * 366 + 2; i++) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
    if (cal.weekdays.includes(weekday) && !holidays.has(day)) {
      const open = Math.max(zonedInstant(day, cal.open, cal.timeZone).getTime(), from.getTime());
      const close = Math.min(zonedInstant(day, cal.close, cal.timeZone).getTime(), to.getTime());
      if (close > open) total += close - open;
    }
    if (day === last) return total;
    const next = new Date(`${day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    day = next.toISOString().slice(0, 10);
  }
  return total;
}

/** `start` plus `ms` of business time; no time added leaves the instant where it is. */
export function addBusinessMs(start: Date, ms: number, cal: BusinessCalendar): Date {
  return ms <= 0 ? start : addBusinessHours(start, ms / HOUR, cal);
}

/** When WARN_RATIO of the budget between start and due is used (in business time). */
export function warnAt(start: Date, due: Date, cal: BusinessCalendar): Date {
  return addBusinessMs(start, Math.round(WARN_RATIO * businessMsBetween(start, due, cal)), cal);
}

/**
 * Resuming a paused clock: every deadline still ahead moves by the business time the pause
 * took, so the time left when it paused is the time left when it resumes.
 */
export function resumeShift(pausedAt: Date, resumedAt: Date, cal: BusinessCalendar) {
  const pausedMs = businessMsBetween(pausedAt, resumedAt, cal);
  return { pausedMs, shift: (d: Date) => addBusinessMs(d, pausedMs, cal) };
}

const UP: Record<Priority, Priority> = { low: 'normal', normal: 'medium', medium: 'high', high: 'high' };
/** One step more urgent; high stays high. */
export function escalatePriority(p: Priority): Priority {
  return UP[p];
}
