import { describe, expect, it } from 'vitest';
import { shortDuration, slaLevel, slaText } from './time';

const created = '2026-11-23T10:00:00.000Z';
const due = '2026-11-23T20:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('SLA countdown', () => {
  it.each([
    ['2026-11-23T11:00:00.000Z', 'ok'],
    ['2026-11-23T18:30:00.000Z', 'warn'],
    ['2026-11-23T20:00:00.000Z', 'breached'],
  ] as const)('at %s the clock is %s (warn under 20 %% left)', (now, level) => {
    expect(slaLevel(created, due, at(now))).toBe(level);
  });

  it('says how long is left, or how far past due', () => {
    expect(slaText(due, at('2026-11-23T18:30:00.000Z'))).toBe('1h 30m');
    expect(slaText(due, at('2026-11-23T20:45:00.000Z'))).toBe('−45m');
    expect(slaText(null, 0)).toBe('—');
    expect(slaLevel(created, null, 0)).toBe('none');
  });

  it.each([[30_000, '<1m'], [5 * 60_000, '5m'], [125 * 60_000, '2h 05m'], [50 * 3_600_000, '2d 2h']])('%i ms → %s', (ms, text) => {
    expect(shortDuration(ms)).toBe(text);
  });
});
