import { describe, expect, it } from 'vitest';
import type { Priority } from '../contracts/model.js';
import type { Point } from './geo.js';
import { planDay, routeKm, type Visit } from './route.js';

// Points on the equator: 1° of longitude ≈ 111.2 km, so distances are easy to reason about.
const at = (lon: number): Point => ({ latitude: 0, longitude: lon });
const DAY_END = new Date('2026-11-24T23:00:00Z');
const v = (id: string, lon: number | null, priority: Priority = 'normal', due: string | null = '2026-11-24T15:00:00Z'): Visit => ({
  id, priority, dueAt: due ? new Date(due) : null, location: lon === null ? null : at(lon),
});
const ids = (start: Point | null, visits: Visit[]) => planDay(start, visits, DAY_END).map((p) => p.id);

describe('planDay', () => {
  it.each([
    ['shortest path along a line', at(0), [v('c', 0.3), v('a', 0.1), v('b', 0.2)], ['a', 'b', 'c']],
    ['starts from the technician, not the list', at(0.35), [v('a', 0.1), v('b', 0.2), v('c', 0.3)], ['c', 'b', 'a']],
    ['high priority first, whatever the detour', at(0), [v('near', 0.1), v('far', 1, 'high')], ['far', 'near']],
    ['due today before due later, within a priority', at(0), [v('later', 0.1, 'normal', '2026-11-30T12:00:00Z'), v('today', 0.5)], ['today', 'later']],
    ['no due time counts as later', at(0), [v('open', 0.1, 'normal', null), v('today', 0.5)], ['today', 'open']],
    ['visits without coordinates close their tier, earliest due first', at(0), [v('x2', null, 'normal', '2026-11-24T14:00:00Z'), v('x1', null, 'normal', '2026-11-24T10:00:00Z'), v('a', 0.1)], ['a', 'x1', 'x2']],
    ['without a start, begins at the most urgent visit', null, [v('b', 0.2, 'normal', '2026-11-24T16:00:00Z'), v('a', 0.5, 'normal', '2026-11-24T09:00:00Z'), v('c', 0.4)], ['a', 'c', 'b']],
  ] as const)('%s', (_case, start, visits, expected) => {
    expect(ids(start, [...visits])).toEqual(expected);
  });

  it('numbers the sequence and gives each leg', () => {
    const plan = planDay(at(0), [v('b', 0.2), v('a', 0.1)], DAY_END);
    expect(plan.map((p) => [p.id, p.sequence])).toEqual([['a', 1], ['b', 2]]);
    expect(plan[0]!.legKm).toBeCloseTo(11.1, 1);
    expect(plan[1]!.legKm).toBeCloseTo(11.1, 1);
  });

  it('comes close to the optimum on random days (2-opt after nearest neighbour)', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 25; round++) {
      const start = { latitude: 48 + rnd(), longitude: 11 + rnd() };
      const visits = Array.from({ length: 7 }, (_, i) => ({ id: `v${i}`, priority: 'normal' as const, dueAt: null, location: { latitude: 48 + rnd(), longitude: 11 + rnd() } }));
      const plan = planDay(start, visits, DAY_END);
      const byId = new Map(visits.map((x) => [x.id, x]));
      const km = routeKm(start, plan.map((p) => byId.get(p.id)!));
      const best = Math.min(...permutations(visits).map((perm) => routeKm(start, perm)));
      expect(km).toBeGreaterThanOrEqual(best - 0.1);
      expect(km).toBeLessThanOrEqual(best * 1.1 + 0.1);
    }
  });
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}
