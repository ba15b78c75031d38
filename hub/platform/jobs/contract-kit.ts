// Test helpers for the job runner contract: a registry built fresh per case, and recorders
// whose promises resolve from handlers, so cases await events instead of sleeping.
import { z } from 'zod';
import type { JobRunner } from './port.js';

export interface RunGate {
  /** flipped by a case to make a payload that passed at enqueue fail at run time */
  accept: boolean;
  checks: number;
}

export function contractRegistry(gate: RunGate) {
  return {
    'contract.echo': z.object({ n: z.number().int(), note: z.string().optional() }),
    'contract.guarded': z.object({ n: z.number() }).refine(() => {
      gate.checks += 1;
      return gate.accept;
    }, { message: 'rejected at run time' }),
    'contract.marker': z.object({ token: z.string() }),
  };
}
export type ContractRegistry = ReturnType<typeof contractRegistry>;
export type ContractRunner = JobRunner<ContractRegistry>;
/** closeTimeoutMs is the adapter's bound on how long close() waits for running handlers */
export type MakeRunner = (registry: ContractRegistry, opts?: { closeTimeoutMs?: number }) => Promise<ContractRunner>;

export interface Recorder<T> {
  readonly items: readonly T[];
  push(item: T): void;
  /** resolves with a copy of the items once there are at least n */
  until(n: number): Promise<T[]>;
}

export function recorder<T>(): Recorder<T> {
  const items: T[] = [];
  let waiters: Array<{ n: number; resolve: (items: T[]) => void }> = [];
  return {
    items,
    push(item) {
      items.push(item);
      const due = waiters.filter((w) => items.length >= w.n);
      waiters = waiters.filter((w) => items.length < w.n);
      for (const w of due) w.resolve([...items]);
    },
    until(n) {
      if (items.length >= n) return Promise.resolve([...items]);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

export interface Deferred<T> { promise: Promise<T>; resolve(value: T): void }

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/**
 * Proves a negative ("nothing else ran") without a sleep: a marker job delayed past the
 * moment a wrong run would have happened, awaited through its handler.
 */
export function markers(runner: ContractRunner): { after(delayMs: number): Promise<number> } {
  const seen = recorder<number>();
  runner.register('contract.marker', async () => { seen.push(Date.now()); });
  return {
    async after(delayMs) {
      const count = seen.items.length;
      await runner.enqueue('contract.marker', { token: `after-${delayMs}` }, { delayMs });
      const items = await seen.until(count + 1);
      return items[count] ?? Number.NaN;
    },
  };
}

export function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? t));
}
