import type { Priority } from '../contracts/model.js';
import { haversineKm, type Point } from './geo.js';

export interface Visit { id: string; priority: Priority; dueAt: Date | null; location: Point | null }
export interface PlannedVisit { id: string; sequence: number; legKm: number | null; tier: number }

const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, normal: 2, low: 3 };

/**
 * A technician's day: visits are grouped in tiers by priority and by whether they fall due by
 * the end of the day (urgent work first, whatever the detour); within a tier, the route is the
 * shortest we find between site coordinates: nearest neighbour from where the previous tier
 * ended (the technician's position or home at the start), improved by 2-opt and or-opt. Visits without
 * coordinates close their tier, earliest due first.
 */
export function planDay(start: Point | null, visits: Visit[], dayEnd: Date): PlannedVisit[] {
  const tierOf = (v: Visit) => PRIORITY_RANK[v.priority] * 2 + (v.dueAt && v.dueAt <= dayEnd ? 0 : 1);
  const tiers = new Map<number, Visit[]>();
  for (const v of visits) tiers.set(tierOf(v), [...(tiers.get(tierOf(v)) ?? []), v]);
  const out: PlannedVisit[] = [];
  let at = start;
  for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
    const group = tiers.get(tier)!;
    const located = group.filter((v) => v.location);
    const path = improve(at, nearestNeighbour(at, located));
    for (const v of path) {
      out.push({ id: v.id, sequence: out.length + 1, legKm: at ? round(haversineKm(at, v.location!)) : null, tier });
      at = v.location;
    }
    const rest = group.filter((v) => !v.location).sort(byDue);
    for (const v of rest) out.push({ id: v.id, sequence: out.length + 1, legKm: null, tier });
  }
  return out;
}

function byDue(a: Visit, b: Visit): number {
  return (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) || a.id.localeCompare(b.id);
}

function nearestNeighbour(start: Point | null, visits: Visit[]): Visit[] {
  // Without a start, begin at the most urgent visit.
  const left = [...visits].sort(byDue);
  const path: Visit[] = [];
  let at = start ?? left[0]?.location ?? null;
  while (left.length) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      if (haversineKm(at!, left[i]!.location!) < haversineKm(at!, left[best]!.location!)) best = i;
    }
    const [next] = left.splice(best, 1);
    path.push(next!);
    at = next!.location;
  }
  return path;
}

/**
 * Local search on an open path from a fixed start: 2-opt (reverse a segment) and or-opt (move
 * a run of one to three visits elsewhere) while either shortens the route. A day has a few
 * dozen visits at most, so whole-path evaluation is cheap and keeps the moves obvious.
 */
function improve(start: Point | null, path: Visit[]): Visit[] {
  let p = [...path];
  let best = pathKm(start, p);
  for (let round = 0; round < 200; round++) {
    const next = firstImprovement(start, p, best);
    if (!next) break;
    p = next.path;
    best = next.km;
  }
  return p;
}

function firstImprovement(start: Point | null, p: Visit[], best: number): { path: Visit[]; km: number } | null {
  const first = start ? 0 : 1;
  const isBetter = (q: Visit[]) => pathKm(start, q) + 1e-9 < best;
  for (let i = first; i < p.length - 1; i++) {
    for (let k = i + 1; k < p.length; k++) {
      const q = [...p.slice(0, i), ...p.slice(i, k + 1).reverse(), ...p.slice(k + 1)];
      if (isBetter(q)) return { path: q, km: pathKm(start, q) };
    }
  }
  for (let len = 1; len <= 3; len++) {
    for (let i = first; i + len <= p.length; i++) {
      const run = p.slice(i, i + len);
      const rest = [...p.slice(0, i), ...p.slice(i + len)];
      for (let j = first; j <= rest.length; j++) {
        if (j === i) continue;
        const q = [...rest.slice(0, j), ...run, ...rest.slice(j)];
        if (isBetter(q)) return { path: q, km: pathKm(start, q) };
      }
    }
  }
  return null;
}

function pathKm(start: Point | null, p: Visit[]): number {
  let km = 0;
  let at = start;
  for (const v of p) {
    if (at) km += haversineKm(at, v.location!);
    at = v.location;
  }
  return km;
}

function round(km: number): number {
  return Math.round(km * 10) / 10;
}

export function routeKm(start: Point | null, ordered: Array<{ location: Point | null }>): number {
  let at = start;
  let km = 0;
  for (const v of ordered) {
    if (at && v.location) km += haversineKm(at, v.location);
    if (v.location) at = v.location;
  }
  return round(km);
}
