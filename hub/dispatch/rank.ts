import type { BusinessCalendar, Priority, TechnicianStatus } from '../contracts/model.js';
import { localDate } from '../sla/business-hours.js';
import { haversineKm, type Point } from './geo.js';

export interface OrderToStaff {
  priority: Priority;
  requiredSkill: string | null;
  site: Point | null;
  region: string | null;
  /** the visit's planned time (or its due time, or now) */
  at: Date;
}

export interface Candidate {
  id: string;
  name: string;
  skills: string[];
  region: string | null;
  status: TechnicianStatus;
  shift: BusinessCalendar | null;
  /** where the device last reported, and when */
  position: (Point & { at: Date }) | null;
  home: Point | null;
  /** open visits already on that day */
  load: number;
}

export interface ScoreParts { shift: number; distance: number; load: number; status: number }
export interface Suggestion {
  technicianId: string;
  name: string;
  isEligible: boolean;
  score: number;
  parts: ScoreParts;
  distanceKm: number | null;
  load: number;
  reasons: string[];
}

/** A reported position older than this says little about where the technician is now. */
const POSITION_FRESH_MS = 12 * 3_600_000;
const FULL_DAY = 6;
const MAX = { shift: 25, distance: 35, load: 25, busy: -10 };
/** Urgent orders weigh closeness and a free day more; low ones less. */
const WEIGHT: Record<Priority, number> = { high: 1.4, medium: 1.15, normal: 1, low: 0.8 };

/**
 * Ranks technicians for an order. The required skill and being off duty exclude (a technician
 * who cannot do the work is no suggestion); shift, distance, load and a busy status score, each
 * part shown with the reason, so a dispatcher sees why one ranks above another.
 */
export function rankTechnicians(order: OrderToStaff, candidates: Candidate[], now: Date): Suggestion[] {
  const ranked = candidates.map((c) => score(order, c, now));
  return ranked.sort((a, b) => Number(b.isEligible) - Number(a.isEligible) || b.score - a.score
    || (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) || a.name.localeCompare(b.name));
}

function score(order: OrderToStaff, c: Candidate, now: Date): Suggestion {
  const reasons: string[] = [];
  let isEligible = true;
  if (order.requiredSkill) {
    if (c.skills.includes(order.requiredSkill)) reasons.push(`has skill ${order.requiredSkill}`);
    else { isEligible = false; reasons.push(`lacks skill ${order.requiredSkill}`); }
  }
  if (c.status === 'off') { isEligible = false; reasons.push('off duty'); }
  const w = WEIGHT[order.priority];
  const parts: ScoreParts = { shift: shiftScore(order.at, c.shift, reasons), distance: 0, load: 0, status: 0 };

  const fresh = c.position && now.getTime() - c.position.at.getTime() <= POSITION_FRESH_MS ? c.position : null;
  const from = fresh ?? c.home;
  let distanceKm: number | null = null;
  if (from && order.site) {
    distanceKm = Math.round(haversineKm(from, order.site) * 10) / 10;
    parts.distance = round(MAX.distance * w * Math.max(0, 1 - distanceKm / 200));
    reasons.push(`${distanceKm} km from ${fresh ? 'current position' : 'home'}`);
  } else if (order.region && c.region === order.region) {
    parts.distance = round(MAX.distance * w * 0.5);
    reasons.push(`same region ${order.region} (no coordinates)`);
  } else {
    reasons.push('distance unknown');
  }
  parts.load = round(MAX.load * w * Math.max(0, 1 - c.load / FULL_DAY));
  reasons.push(c.load === 0 ? 'no other visits that day' : `${c.load} other visit${c.load === 1 ? '' : 's'} that day`);
  if (c.status === 'busy') {
    parts.status = round(MAX.busy * w);
    reasons.push('busy right now');
  }
  const total = round(parts.shift + parts.distance + parts.load + parts.status);
  return { technicianId: c.id, name: c.name, isEligible, score: total, parts, distanceKm, load: c.load, reasons };
}

function shiftScore(at: Date, shift: BusinessCalendar | null, reasons: string[]): number {
  if (!shift) { reasons.push('no shift calendar'); return MAX.shift / 2; }
  const day = localDate(at, shift.timeZone);
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
  if (shift.holidays.includes(day)) { reasons.push(`day off on ${day}`); return 0; }
  if (!shift.weekdays.includes(weekday)) { reasons.push(`not on shift on ${day}`); return 0; }
  reasons.push(`on shift ${day} ${shift.open}–${shift.close}`);
  return MAX.shift;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
