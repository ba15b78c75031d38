import type { BusinessCalendar, Priority, SlaTable } from '../contracts/model.js';

/** Used when a request has no contract: the house standard. */
export const DEFAULT_SLA: SlaTable = {
  high: { responseHours: 2, onSiteHours: 4, resolutionHours: 8 },
  medium: { responseHours: 4, onSiteHours: 12, resolutionHours: 24 },
  normal: { responseHours: 8, onSiteHours: 24, resolutionHours: 40 },
  low: { responseHours: 24, onSiteHours: 48, resolutionHours: 80 },
};

export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00', holidays: [],
};

const HOUR = 3_600_000;
const MAX_DAYS = 3 * 366;

/**
 * Adds `hours` of business time to `start`: time only runs on the calendar's weekdays, between
 * open and close in its time zone, and not on holidays. DST is handled by converting each
 * day's local open/close to an instant.
 */
export function addBusinessHours(start: Date, hours: number, cal: BusinessCalendar): Date {
  let remaining = hours * HOUR;
  const holidays = new Set(cal.holidays);
  let day = localDate(start, cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    if (!cal.weekdays.includes(isoWeekday(day)) || holidays.has(day)) continue;
    const open = zonedInstant(day, cal.open, cal.timeZone).getTime();
    const close = zonedInstant(day, cal.close, cal.timeZone).getTime();
    const from = Math.max(open, start.getTime());
    if (from >= close) continue;
    if (remaining <= close - from) return new Date(from + remaining);
    remaining -= close - from;
  }
  throw new Error('business calendar has no open time within three years');
}

export function dueTimes(start: Date, priority: Priority, sla: SlaTable, cal: BusinessCalendar) {
  const t = sla[priority];
  return {
    responseDueAt: addBusinessHours(start, t.responseHours, cal),
    resolutionDueAt: addBusinessHours(start, t.resolutionHours, cal),
  };
}

/** YYYY-MM-DD of an instant in a zone. */
export function localDate(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function isoWeekday(day: string): number {
  const w = new Date(`${day}T12:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The instant at which the wall clock in `timeZone` shows `day` `hhmm`. */
export function zonedInstant(day: string, hhmm: string, timeZone: string): Date {
  const wall = Date.parse(`${day}T${hhmm}:00Z`);
  // Two passes settle the offset, also across a DST change on that day.
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

function offsetMs(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function parts(at: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(at)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}
