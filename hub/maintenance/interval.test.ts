import { describe, expect, it } from 'vitest';
import { addInterval, isDueForOrder, nextCompletionDue, nextScheduledDue } from './interval.js';

describe('addInterval', () => {
  it.each([
    ['2026-11-23', 10, 'day', '2026-12-03'],
    ['2026-12-28', 1, 'week', '2027-01-04'],
    ['2026-01-31', 1, 'month', '2026-02-28'],
    ['2028-01-31', 1, 'month', '2028-02-29'],
    ['2026-03-31', 6, 'month', '2026-09-30'],
    ['2026-11-15', 3, 'month', '2027-02-15'],
    ['2026-11-15', 24, 'month', '2028-11-15'],
    ['2026-03-29', 1, 'day', '2026-03-30'],
  ] as const)('%s + %d %s = %s', (day, n, unit, expected) => {
    expect(addInterval(day, n, unit)).toBe(expected);
  });
});

describe('nextScheduledDue', () => {
  it.each([
    // [first due, every, just generated, today, next, why]
    ['2026-01-31', { count: 1, unit: 'month' }, '2026-01-31', '2026-01-20', '2026-02-28', 'clamped to February'],
    ['2026-01-31', { count: 1, unit: 'month' }, '2026-02-28', '2026-02-20', '2026-03-31', 'no drift after a clamped month'],
    ['2026-01-05', { count: 2, unit: 'week' }, '2026-01-05', '2026-01-01', '2026-01-19', 'two weeks'],
    ['2026-01-01', { count: 1, unit: 'month' }, '2026-01-01', '2026-06-10', '2026-07-01', 'a long outage skips to the first date not past'],
    ['2026-01-01', { count: 90, unit: 'day' }, '2026-01-01', '2025-12-20', '2026-04-01', 'days'],
  ] as const)('%s every %o after %s (today %s) → %s (%s)', (first, every, done, today, expected, _why) => {
    expect(nextScheduledDue(first, every, done, today)).toBe(expected);
  });
});

describe('completion anchor and lead time', () => {
  it('counts from the completion day', () => {
    expect(nextCompletionDue('2026-11-25', { count: 6, unit: 'month' })).toBe('2027-05-25');
  });
  it.each([
    ['2026-12-10', 14, '2026-11-26', true, 'exactly lead time before'],
    ['2026-12-10', 14, '2026-11-25', false, 'a day too early'],
    ['2026-12-10', 0, '2026-12-10', true, 'no lead time: on the day'],
    ['2026-11-01', 7, '2026-11-23', true, 'overdue'],
  ] as const)('due %s with %d days lead, today %s → %s (%s)', (due, lead, today, expected, _why) => {
    expect(isDueForOrder(due, lead, today)).toBe(expected);
  });
});
