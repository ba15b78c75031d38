/**
 * A tiny seeded random source (mulberry32). The demo data must come out the same on every
 * machine and every run, so nothing in the seed may touch Math.random.
 */
export interface Rng {
  /** a float in [0, 1) */
  next(): number;
  /** an integer in [min, max], both inclusive */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** an index chosen with probability proportional to its weight */
  weighted(weights: readonly number[]): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    weighted(weights: readonly number[]): number {
      const total = weights.reduce((a, b) => a + b, 0);
      let r = next() * total;
      for (const [i, w] of weights.entries()) {
        r -= w;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
  };
}
