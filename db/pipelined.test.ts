import { describe, expect, it } from 'vitest';
import { pipelined } from './pipelined.js';

const later = <T>(ms: number, value: T, isFailing = false) => new Promise<T>((resolve, reject) => setTimeout(() => (isFailing ? reject(value) : resolve(value)), ms));

describe('pipelined', () => {
  it('answers every chain in order', async () => {
    expect(await pipelined(later(20, 'a'), later(5, 2), Promise.resolve(null))).toEqual(['a', 2, null]);
  });

  it('rejects with the first error, only after every chain has settled', async () => {
    const done: string[] = [];
    const slow = later(40, 'slow').then((v) => { done.push(v); return v; });
    const error = await pipelined(slow, later(30, new Error('second'), true), later(10, new Error('first'), true)).catch((e: Error) => e);
    expect((error as Error).message).toBe('first');
    expect(done).toEqual(['slow']);
  });
});
