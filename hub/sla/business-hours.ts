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
  return new Date(at.getTime() + offsetMs(at, timeZone)).toISOString().slice(0, 10);
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

/**
 * The zone's offset from UTC at `at`. Intl's formatToParts is slow (a tenth of a millisecond;
 * every new request computes a few dozen for its due times), so the offset is kept per zone and
 * quarter hour when it is the same at both ends of it: no zone changes its offset twice within
 * 15 minutes, so then it holds for the whole quarter. A quarter with a change is not kept.
 */
export function offsetMs(at: Date, timeZone: string): number {
  const quarter = Math.floor(at.getTime() / QUARTER_MS);
  const key = `${timeZone}|${quarter}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const first = zoneOffsetMs(new Date(quarter * QUARTER_MS), timeZone);
  const last = zoneOffsetMs(new Date((quarter + 1) * QUARTER_MS - 1000), timeZone);
  if (first !== last) return zoneOffsetMs(at, timeZone);
  if (offsets.size >= MAX_OFFSETS) offsets.clear();
  offsets.set(key, first);
  return first;
}
const QUARTER_MS = 15 * 60_000;
const MAX_OFFSETS = 100_000;
const offsets = new Map<string, number>();

/** The offset as Intl computes it (exported for the test that checks the cache against it). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
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
