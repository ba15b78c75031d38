import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../contracts/model.js';
import { rankTechnicians, type Candidate, type OrderToStaff } from './rank.js';

const NOW = new Date('2026-11-24T09:00:00Z'); // a Tuesday
const WEEKDAYS: BusinessCalendar = { timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '07:00', close: '16:00', holidays: [] };
const MUNICH = { latitude: 48.137, longitude: 11.575 };
const AUGSBURG = { latitude: 48.371, longitude: 10.898 }; // 56.5 km from Munich
const NUREMBERG = { latitude: 49.452, longitude: 11.077 }; // ~151 km

const tech = (id: string, v: Partial<Candidate> = {}): Candidate => ({
  id, name: id, skills: ['refrigeration'], region: 'Bayern', status: 'available', shift: WEEKDAYS, position: null, home: MUNICH, load: 0, ...v,
});
const order = (v: Partial<OrderToStaff> = {}): OrderToStaff => ({ priority: 'normal', requiredSkill: 'refrigeration', site: MUNICH, region: 'Bayern', at: NOW, ...v });
const names = (o: OrderToStaff, cs: Candidate[]) => rankTechnicians(o, cs, NOW).map((s) => `${s.technicianId}${s.isEligible ? '' : '!'}`);

describe('rankTechnicians', () => {
  it.each([
    // [case, order, candidates, expected order ("!" = not eligible)]
    ['the required skill excludes', order(), [tech('a', { skills: ['electrics'] }), tech('b', { home: NUREMBERG })], ['b', 'a!']],
    ['off duty excludes', order(), [tech('a', { status: 'off' }), tech('b', { home: NUREMBERG })], ['b', 'a!']],
    ['no skill needed: everyone is eligible', order({ requiredSkill: null }), [tech('a', { skills: [], home: AUGSBURG }), tech('b', { skills: [] })], ['b', 'a']],
    ['nearer wins at equal load', order(), [tech('far', { home: NUREMBERG }), tech('mid', { home: AUGSBURG }), tech('near')], ['near', 'mid', 'far']],
    ['a fresh position beats home', order(), [tech('a', { home: NUREMBERG, position: { ...MUNICH, at: new Date(NOW.getTime() - 3_600_000) } }), tech('b', { home: AUGSBURG })], ['a', 'b']],
    ['a stale position counts home', order(), [tech('a', { home: NUREMBERG, position: { ...MUNICH, at: new Date(NOW.getTime() - 24 * 3_600_000) } }), tech('b', { home: AUGSBURG })], ['b', 'a']],
    ['a full day sinks the nearest', order(), [tech('near', { load: 5 }), tech('mid', { home: AUGSBURG, load: 0 })], ['mid', 'near']],
    ['not on shift that day sinks', order({ at: new Date('2026-11-28T09:00:00Z') }), [tech('weekday'), tech('weekend', { home: AUGSBURG, shift: { ...WEEKDAYS, weekdays: [6, 7] } })], ['weekend', 'weekday']],
    ['a holiday is not a shift', order(), [tech('a', { shift: { ...WEEKDAYS, holidays: ['2026-11-24'] } }), tech('b', { home: AUGSBURG })], ['b', 'a']],
    ['region counts when coordinates are missing', order({ site: null }), [tech('other', { region: 'Hessen' }), tech('same')], ['same', 'other']],
    ['busy ranks below an available equal', order(), [tech('busy', { status: 'busy' }), tech('free')], ['free', 'busy']],
  ] as const)('%s', (_case, o, cs, expected) => {
    expect(names(o, [...cs])).toEqual(expected);
  });

  it('weighs distance more for a high-priority order', () => {
    const cs = [tech('near', { load: 3 }), tech('free', { home: AUGSBURG, load: 0 })];
    // Normal: a free day beats 56 km; high: the same trade-off, but the margin grows with the weight.
    const normal = rankTechnicians(order({ priority: 'normal' }), cs, NOW);
    const high = rankTechnicians(order({ priority: 'high' }), cs, NOW);
    expect(high[0]!.parts.distance).toBeGreaterThan(normal[0]!.parts.distance);
    const gap = (s: typeof normal) => Math.abs(s[0]!.score - s[1]!.score);
    expect(gap(high)).toBeGreaterThan(gap(normal));
  });

  it('explains every score with its parts and reasons', () => {
    const [s] = rankTechnicians(order(), [tech('a', { home: AUGSBURG, load: 2, status: 'busy' })], NOW);
    expect(s).toMatchObject({ isEligible: true, distanceKm: 56.5, load: 2 });
    expect(s!.score).toBeCloseTo(s!.parts.shift + s!.parts.distance + s!.parts.load + s!.parts.status, 5);
    expect(s!.reasons).toEqual(['has skill refrigeration', 'on shift 2026-11-24 07:00–16:00', '56.5 km from home', '2 other visits that day', 'busy right now']);
  });
});
