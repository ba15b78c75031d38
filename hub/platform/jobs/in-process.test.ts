import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { runJobRunnerContract } from './contract.js';
import { createInProcessJobRunner } from './in-process.js';

const logger = pino({ level: 'silent' });

runJobRunnerContract('in-process', async (registry, opts) => createInProcessJobRunner({ registry, logger, ...opts }));

describe('in-process runner timers', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('holds a job delayed past the 2^31-1 ms timer limit until it is due', async () => {
    // fake timers reproduce Node's overflow: a longer timeout fires after 1 ms
    vi.useFakeTimers();
    const day = 24 * 3600 * 1000;
    const runs: number[] = [];
    const runner = createInProcessJobRunner({ registry: { tick: z.object({}) }, logger });
    runner.register('tick', async () => { runs.push(Date.now()); });
    await runner.start();
    const enqueuedAt = Date.now();
    await runner.enqueue('tick', {}, { delayMs: 40 * day });
    await vi.advanceTimersByTimeAsync(39 * day);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(day);
    expect(runs).toEqual([enqueuedAt + 40 * day]);
    await runner.close();
  });
});
