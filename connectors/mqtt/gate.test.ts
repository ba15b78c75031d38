import { describe, expect, it } from 'vitest';
import { IntakeGate } from './gate.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('IntakeGate', () => {
  it('lets readers on while there is room and parks them, in order, once the bound is reached', async () => {
    const gate = new IntakeGate(2);
    const order: string[] = [];
    const a = deferred();
    const b = deferred();
    gate.take(a.promise);
    gate.whenOpen(() => order.push('r1'));
    gate.take(b.promise);
    gate.whenOpen(() => order.push('r2'));
    gate.whenOpen(() => order.push('r3'));
    expect(order).toEqual(['r1']);
    expect({ pending: gate.pending, parked: gate.parked }).toEqual({ pending: 2, parked: 2 });

    a.resolve();
    await tick();
    expect(order).toEqual(['r1', 'r2', 'r3']);
    expect(gate.pending).toBe(1);
  });

  it('counts a message that failed as settled too', async () => {
    const gate = new IntakeGate(1);
    const a = deferred();
    gate.take(a.promise);
    let isRead = false;
    gate.whenOpen(() => { isRead = true; });
    expect(isRead).toBe(false);
    a.reject(new Error('batch failed'));
    await a.promise.catch(() => {});
    await tick();
    expect(isRead).toBe(true);
    expect(gate.pending).toBe(0);
  });

  it('stops releasing when the readers it released took the room again', async () => {
    const gate = new IntakeGate(1);
    const first = deferred();
    gate.take(first.promise);
    const next = deferred();
    const read: string[] = [];
    gate.whenOpen(() => { read.push('r1'); gate.take(next.promise); });
    gate.whenOpen(() => read.push('r2'));
    first.resolve();
    await tick();
    expect(read).toEqual(['r1']);
    next.resolve();
    await tick();
    expect(read).toEqual(['r1', 'r2']);
  });

  it('is idle once nothing is pending and every parked reader was let on', async () => {
    const gate = new IntakeGate(1);
    await gate.whenIdle();
    const a = deferred();
    gate.take(a.promise);
    const read: string[] = [];
    gate.whenOpen(() => read.push('parked'));
    let isIdle = false;
    void gate.whenIdle().then(() => { isIdle = true; });
    await tick();
    expect(isIdle).toBe(false);
    a.resolve();
    await tick();
    expect(read).toEqual(['parked']);
    expect(isIdle).toBe(true);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new IntakeGate(0)).toThrow(/positive integer/);
    expect(() => new IntakeGate(1.5)).toThrow(/positive integer/);
  });
});
