import { describe, expect, it } from 'vitest';
import { foldAlarm, minuteBuckets, type AlarmFacts, type AlarmMsg } from './lifecycle.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const raise = (s: number, severity: AlarmMsg['severity'] = 'major'): AlarmMsg => ({ state: 'raised', severity, at: at(s) });
const clear = (s: number): AlarmMsg => ({ state: 'cleared', severity: 'major', at: at(s) });
const FLAP = 300_000;

const active = (over: Partial<AlarmFacts> = {}): { id: string; facts: AlarmFacts } => ({
  id: 'a1',
  facts: {
    state: 'active', severity: 'major', message: null, count: 1, firstSeenAt: at(0), lastSeenAt: at(0), stateChangedAt: at(0),
    clearedAt: null, acknowledgedAt: null, acknowledgedBy: null, isFlapping: false, flapCount: 0, ...over,
  },
});
const cleared = (s: number) => active({ state: 'cleared', clearedAt: at(s), stateChangedAt: at(s), lastSeenAt: at(0) });

describe('foldAlarm', () => {
  it.each([
    // name, current, messages, expected states of the resulting alarms, transitions of each
    ['first raise opens a new alarm', null, [raise(0)], [['new', 'active', 1]], [['raised']]],
    ['repeats count on the open alarm', active(), [raise(5), raise(6)], [['a1', 'active', 3]], [[]]],
    ['a clear closes it', active(), [clear(10)], [['a1', 'cleared', 1]], [['cleared']]],
    ['a clear older than the latest raise clears nothing', active({ lastSeenAt: at(50), count: 2 }), [clear(40)], [['a1', 'active', 2]], [[]]],
    ['a raise within the window reopens', cleared(10), [raise(100)], [['a1', 'active', 2]], [['reopened']]],
    ['a raise past the window is a new alarm', cleared(10), [raise(10 + 301)], [['a1', 'cleared', 1], ['new', 'active', 1]], [[], ['raised']]],
    ['a raise older than the clear is counted but reopens nothing', cleared(10), [raise(5)], [['a1', 'cleared', 2]], [[]]],
    ['a clear before any raise leaves a cleared alarm', null, [clear(20), raise(30 + 400)], [['new', 'cleared', 0], ['new', 'active', 1]], [['cleared'], ['raised']]],
    ['raise, clear, raise in one batch flaps', null, [raise(0), clear(5), raise(9)], [['new', 'active', 2]], [['raised', 'cleared', 'reopened']]],
  ] as const)('%s', (_name, current, msgs, expected, transitions) => {
    const drafts = foldAlarm(current, msgs, FLAP);
    expect(drafts.map((d) => [d.id ?? 'new', d.facts.state, d.facts.count])).toEqual(expected);
    expect(drafts.map((d) => d.transitions)).toEqual(transitions);
  });

  it('raises the severity, never lowers it, and marks flapping on reopen', () => {
    const [d] = foldAlarm(active(), [raise(1, 'critical'), raise(2, 'warning')], FLAP);
    expect(d!.facts.severity).toBe('critical');
    expect(d!.isMoreSevere).toBe(true);
    const [f] = foldAlarm(cleared(10), [raise(20)], FLAP);
    expect(f!.facts).toMatchObject({ isFlapping: true, flapCount: 1, clearedAt: null, stateChangedAt: at(20) });
  });

  it('keeps the history per minute with the most severe raise', () => {
    expect(minuteBuckets([raise(1, 'minor'), raise(2, 'critical'), clear(3), raise(61)]).map((b) => [b.bucket.toISOString(), b.raises, b.clears, b.maxSeverity]))
      .toEqual([[at(0).toISOString(), 2, 1, 'critical'], [at(60).toISOString(), 1, 0, 'major']]);
  });
});
