import { describe, expect, it } from 'vitest';
import { dropTime, fieldActions, inSequence, localDay, marginRatio, parseCents, sortUnassigned } from './dispatch';

const o = (id: string, priority: 'high' | 'medium' | 'normal' | 'low', dueAt: string | null, createdAt = '2026-01-01T00:00:00Z') => ({ id, priority, dueAt, createdAt });

describe('sortUnassigned', () => {
  it.each([
    ['priority first', [o('a', 'low', '2026-01-01T08:00:00Z'), o('b', 'high', '2026-01-09T08:00:00Z')], ['b', 'a']],
    ['then the earliest due', [o('a', 'high', '2026-01-09T08:00:00Z'), o('b', 'high', '2026-01-02T08:00:00Z')], ['b', 'a']],
    ['no due time last', [o('a', 'medium', null), o('b', 'medium', '2026-05-01T00:00:00Z')], ['b', 'a']],
    ['then the oldest', [o('a', 'normal', null, '2026-01-03T00:00:00Z'), o('b', 'normal', null, '2026-01-02T00:00:00Z')], ['b', 'a']],
  ])('%s', (_name, input, ids) => {
    expect(sortUnassigned(input).map((x) => x.id)).toEqual(ids);
  });
});

describe('inSequence', () => {
  it('follows the hub sequence, then the planned time', () => {
    const v = [
      { id: 'x', sequence: null, scheduledFor: '2026-01-01T09:00:00Z' }, { id: 'b', sequence: 2, scheduledFor: null },
      { id: 'a', sequence: 1, scheduledFor: null }, { id: 'w', sequence: null, scheduledFor: '2026-01-01T08:00:00Z' },
    ];
    expect(inSequence(v).map((x) => x.id)).toEqual(['a', 'b', 'w', 'x']);
  });
});

describe('dropTime', () => {
  const past = new Date(2020, 0, 1);
  it('plans the first visit of an empty day at 08:00 local', () => {
    expect(dropTime('2026-03-04', [], past)).toEqual(new Date(2026, 2, 4, 8, 0));
  });
  it('plans after the last visit of the day', () => {
    const last = new Date(2026, 2, 4, 11, 0).toISOString();
    expect(dropTime('2026-03-04', [{ scheduledFor: last }, { scheduledFor: null }], past)).toEqual(new Date(2026, 2, 4, 12, 30));
  });
  it('keeps a full day on that day', () => {
    const late = new Date(2026, 2, 4, 23, 30).toISOString();
    expect(dropTime('2026-03-04', [{ scheduledFor: late }], past)).toEqual(new Date(2026, 2, 4, 23, 45));
  });
  it('never plans today in the past: the next quarter hour', () => {
    const now = new Date(2026, 2, 4, 14, 7);
    expect(dropTime(localDay(now), [], now)).toEqual(new Date(2026, 2, 4, 14, 15));
  });
});

describe('fieldActions', () => {
  it('shows the forward step first and hides what a technician has no button for', () => {
    expect(fieldActions(['dispatched', 'on_site', 'cancelled'])).toEqual([
      { to: 'on_site', label: 'Arrived on site', isPrimary: true }, { to: 'dispatched', label: 'Back to dispatched', isPrimary: false },
    ]);
  });
});

describe('money helpers', () => {
  it.each([['12,50', 1250], ['7', 700], ['0.05', 5], ['1.234', null], ['abc', null], ['', null]])('parseCents(%s)', (t, c) => {
    expect(parseCents(t)).toBe(c);
  });
  it('margin is the share of the plan left over', () => {
    expect(marginRatio(10_000, 8_000)).toBeCloseTo(0.2);
    expect(marginRatio(10_000, 12_500)).toBeCloseTo(-0.25);
    expect(marginRatio(0, 100)).toBeNull();
  });
});
