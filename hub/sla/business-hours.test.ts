import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../contracts/model.js';
import { ALWAYS_OPEN, addBusinessHours, localDate, offsetMs, zoneOffsetMs, zonedInstant } from './business-hours.js';

const berlin: BusinessCalendar = {
  timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', holidays: ['2026-12-25', '2026-12-28'],
};
const shanghai: BusinessCalendar = { timeZone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5, 6], open: '09:00', close: '18:00', holidays: [] };

describe('addBusinessHours', () => {
  it.each([
    // [start (UTC), hours, calendar, expected (UTC), why]
    ['2026-11-23T09:00:00Z', 2, berlin, '2026-11-23T11:00:00Z', 'inside hours (Mon 10:00 CET)'],
    ['2026-11-23T15:00:00Z', 2, berlin, '2026-11-24T08:00:00Z', 'runs over the close into the next morning'],
    ['2026-11-23T20:00:00Z', 1, berlin, '2026-11-24T08:00:00Z', 'after hours starts next morning 08:00 CET'],
    ['2026-11-27T15:30:00Z', 1, berlin, '2026-11-30T07:30:00Z', 'Friday evening rolls to Monday'],
    ['2026-11-28T10:00:00Z', 9, berlin, '2026-11-30T16:00:00Z', 'a weekend start counts from Monday open'],
    ['2026-12-24T15:00:00Z', 2, berlin, '2026-12-29T08:00:00Z', 'skips the holidays 25th and 28th and the weekend'],
    ['2026-03-27T15:00:00Z', 2, berlin, '2026-03-30T07:00:00Z', 'across the spring DST change (CEST from 29 March)'],
    ['2026-11-23T00:30:00Z', 3, shanghai, '2026-11-23T04:00:00Z', 'another zone: 08:30 local waits for 09:00'],
    ['2026-11-21T09:00:00Z', 1, shanghai, '2026-11-21T10:00:00Z', 'Saturday 17:00 local has one hour left that day'],
    ['2026-11-21T09:00:00Z', 2, shanghai, '2026-11-23T02:00:00Z', 'the second hour skips the closed Sunday to Monday 10:00'],
  ])('from %s plus %d h → %s (%s)', (start, hours, cal, expected) => {
    expect(addBusinessHours(new Date(start), hours, cal).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('adds long durations across many days', () => {
    // 45 business hours = 5 days of 9 hours: Monday 08:00 → Friday 17:00 (CET = UTC+1)
    expect(addBusinessHours(new Date('2026-11-23T07:00:00Z'), 45, berlin).toISOString()).toBe('2026-11-27T16:00:00.000Z');
  });

  it('refuses a calendar that is never open', () => {
    const never: BusinessCalendar = { ...berlin, weekdays: [1], holidays: [] };
    const allMondays = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2026, 10, 23 + i * 7)).toISOString().slice(0, 10));
    expect(() => addBusinessHours(new Date('2026-11-23T00:00:00Z'), 1, { ...never, holidays: allMondays })).toThrow(/no open time/);
  });
});

describe('zonedInstant', () => {
  it.each([
    ['2026-07-01', '08:00', 'Europe/Berlin', '2026-07-01T06:00:00Z'],
    ['2026-01-15', '08:00', 'Europe/Berlin', '2026-01-15T07:00:00Z'],
    ['2026-01-15', '09:00', 'Asia/Shanghai', '2026-01-15T01:00:00Z'],
    ['2026-03-29', '08:00', 'Europe/Warsaw', '2026-03-29T06:00:00Z'],
  ])('%s %s in %s is %s', (day, hhmm, tz, expected) => {
    expect(zonedInstant(day, hhmm, tz).toISOString()).toBe(new Date(expected).toISOString());
  });
});

describe('a calendar open around the clock', () => {
  it.each([
    ['2026-11-23T22:07:00Z', 2, '2026-11-24T00:07:00Z'],
    ['2026-11-23T23:59:30Z', 1 / 60, '2026-11-24T00:00:30Z'],
    ['2026-12-31T23:00:00Z', 48, '2027-01-02T23:00:00Z'],
  ])('from %s plus %s hours is %s, with no gap at midnight', (start, hours, expected) => {
    expect(addBusinessHours(new Date(start), hours, ALWAYS_OPEN).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('closes at 24:00 in a zone too, and accepts 24:00 only as a closing time', () => {
    const berlin = { timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00', holidays: [] };
    expect(addBusinessHours(new Date('2026-11-23T22:30:00Z'), 1, berlin).toISOString()).toBe('2026-11-23T23:30:00.000Z');
    expect(BusinessCalendar.safeParse(berlin).success).toBe(true);
    expect(BusinessCalendar.safeParse({ ...berlin, open: '24:00' }).success).toBe(false);
  });
});

describe('the zone offset cache', () => {
  // Zones with DST changes at odd hours and half-hour or 45-minute offsets.
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];
  const spans: Array<[string, string]> = [['2026-03-01T00:00:00Z', '2026-04-12T00:00:00Z'], ['2026-09-20T00:00:00Z', '2026-11-08T00:00:00Z']];

  it.each(zones)('agrees with Intl at every instant tried around the DST changes in %s', (zone) => {
    const intlDate = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    let checked = 0;
    for (const [from, to] of spans) {
      // every 37 min 13 s: lands on every minute of the hour over the weeks, transitions included
      for (let t = Date.parse(from); t < Date.parse(to); t += 37 * 60_000 + 13_000) {
        const at = new Date(t);
        expect(offsetMs(at, zone)).toBe(zoneOffsetMs(at, zone));
        expect(localDate(at, zone)).toBe(intlDate.format(at));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('is right on both sides of a change inside one quarter hour', () => {
    // Berlin, 29 March 2026: 01:00 UTC is the change; the quarter 00:45–01:00 UTC has one offset, the next another
    expect(offsetMs(new Date('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetMs(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    // Lord Howe changes by 30 minutes at 02:00 local (15:00 UTC the day before)
    const before = offsetMs(new Date('2026-04-04T14:59:59Z'), 'Australia/Lord_Howe');
    const after = offsetMs(new Date('2026-04-04T15:00:00Z'), 'Australia/Lord_Howe');
    expect(before - after).toBe(30 * 60_000);
  });
});
