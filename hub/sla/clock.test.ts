import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../contracts/model.js';
import { addBusinessHours } from './business-hours.js';
import { businessMsBetween, escalatePriority, resumeShift, warnAt } from './clock.js';

const H = 3_600_000;
const berlin: BusinessCalendar = { timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', holidays: ['2026-12-25', '2026-12-28'] };
const shanghai: BusinessCalendar = { timeZone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5, 6], open: '09:00', close: '18:00', holidays: ['2026-10-01'] };

describe('businessMsBetween', () => {
  it.each([
    // [from, to, calendar, business hours, why]
    ['2026-11-23T09:00:00Z', '2026-11-23T11:00:00Z', berlin, 2, 'inside one day'],
    ['2026-11-23T15:00:00Z', '2026-11-24T09:00:00Z', berlin, 3, 'over the night: 16:00–17:00 and 08:00–10:00 CET'],
    ['2026-11-27T12:00:00Z', '2026-11-30T12:00:00Z', berlin, 9, 'over a weekend'],
    ['2026-12-24T07:00:00Z', '2026-12-29T07:00:00Z', berlin, 9, 'holidays 25th and 28th count nothing'],
    ['2026-03-27T07:00:00Z', '2026-03-30T06:00:00Z', berlin, 9, 'across the spring DST change'],
    ['2026-10-23T06:00:00Z', '2026-10-26T07:00:00Z', berlin, 9, 'across the autumn DST change'],
    ['2026-09-30T09:00:00Z', '2026-10-02T02:00:00Z', shanghai, 1 + 1, 'Shanghai: 17:00–18:00, the national day off, 09:00–10:00'],
    ['2026-11-23T11:00:00Z', '2026-11-23T09:00:00Z', berlin, 0, 'backwards is zero'],
  ] as const)('%s → %s: %d h (%s)', (from, to, cal, hours, _why) => {
    expect(businessMsBetween(new Date(from), new Date(to), cal)).toBe(hours * H);
  });

  it('inverts addBusinessHours', () => {
    for (const [start, hours] of [['2026-11-23T06:00:00Z', 17], ['2026-12-23T15:30:00Z', 30], ['2026-03-26T10:00:00Z', 45]] as const) {
      const due = addBusinessHours(new Date(start), hours, berlin);
      expect(businessMsBetween(new Date(start), due, berlin)).toBe(hours * H);
    }
  });
});

describe('warnAt: 80% of the business-time budget', () => {
  it.each([
    ['2026-11-23T08:00:00Z', 10, berlin, '2026-11-23T16:00:00.000Z', '8 of 10 h: Monday 09:00–17:00 CET'],
    ['2026-11-23T07:00:00Z', 5, berlin, '2026-11-23T11:00:00.000Z', '4 of 5 h the same morning'],
    ['2026-11-20T10:00:00Z', 10, shanghai, '2026-11-21T09:00:00.000Z', 'Shanghai works Saturdays: 8 h from Sat 09:00 local'],
  ] as const)('from %s with %d h (%s) warns at %s', (start, hours, cal, expected, _why) => {
    const due = addBusinessHours(new Date(start), hours, cal);
    expect(warnAt(new Date(start), due, cal).toISOString()).toBe(expected);
  });
});

describe('pausing and resuming a clock', () => {
  it.each([
    // [created, budget h, paused at, resumed at, calendar, due before, due after, why]
    ['2026-11-23T08:00:00Z', 8, '2026-11-23T14:00:00Z', '2026-11-24T09:00:00Z', berlin, '2026-11-23T16:00:00.000Z', '2026-11-24T11:00:00.000Z', 'Mon 15:00–Tue 10:00 CET paused = 4 business hours'],
    ['2026-11-27T08:00:00Z', 8, '2026-11-27T15:00:00Z', '2026-11-30T07:00:00Z', berlin, '2026-11-27T16:00:00.000Z', '2026-11-30T08:00:00.000Z', 'paused over the weekend costs only Friday’s last hour'],
    ['2026-12-23T08:00:00Z', 16, '2026-12-23T16:00:00Z', '2026-12-29T07:00:00Z', berlin, '2026-12-24T15:00:00.000Z', '2026-12-29T15:00:00.000Z', 'holidays inside a pause count nothing (9 h: only the 24th)'],
    ['2026-11-23T01:00:00Z', 9, '2026-11-23T05:00:00Z', '2026-11-23T07:00:00Z', shanghai, '2026-11-23T10:00:00.000Z', '2026-11-24T03:00:00.000Z', 'Shanghai, paused 13:00–15:00 local'],
    ['2026-11-23T08:00:00Z', 8, '2026-11-23T18:00:00Z', '2026-11-24T06:00:00Z', berlin, '2026-11-23T16:00:00.000Z', '2026-11-23T16:00:00.000Z', 'a pause outside business hours moves nothing'],
  ] as const)('%s +%dh, paused %s–%s (%s)', (created, budget, pausedAt, resumedAt, cal, dueBefore, dueAfter, _why) => {
    const due = addBusinessHours(new Date(created), budget, cal);
    expect(due.toISOString()).toBe(dueBefore);
    const { shift } = resumeShift(new Date(pausedAt), new Date(resumedAt), cal);
    expect(shift(due).toISOString()).toBe(dueAfter);
    // Time used before the pause + time left after it = the whole budget.
    const used = businessMsBetween(new Date(created), new Date(pausedAt), cal);
    const left = businessMsBetween(new Date(resumedAt), shift(due), cal);
    expect(used + left).toBe(budget * H);
  });
});

describe('escalatePriority', () => {
  it.each([['low', 'normal'], ['normal', 'medium'], ['medium', 'high'], ['high', 'high']] as const)('%s → %s', (from, to) => {
    expect(escalatePriority(from)).toBe(to);
  });
});
