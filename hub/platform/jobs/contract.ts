// The behaviour every JobRunner adapter must show; each adapter's test file runs this suite.
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryable, type JobContext } from './port.js';
import {
  contractRegistry, deferred, gaps, markers, recorder,
  type ContractRunner, type MakeRunner, type RunGate,
} from './contract-kit.js';

export type { ContractRegistry, ContractRunner, MakeRunner } from './contract-kit.js';

const CASE_TIMEOUT_MS = 15_000;

export function runJobRunnerContract(name: string, makeRunner: MakeRunner): void {
  describe(`job runner contract: ${name}`, () => {
    let opened: ContractRunner[] = [];
    let gate: RunGate;

    async function fresh(opts?: { closeTimeoutMs?: number }): Promise<ContractRunner> {
      gate = { accept: true, checks: 0 };
      const runner = await makeRunner(contractRegistry(gate), opts);
      opened.push(runner);
      return runner;
    }

    afterEach(async () => {
      await Promise.all(opened.map((r) => r.close()));
      opened = [];
    });

    it('runs an enqueued job with its payload', async () => {
      const runner = await fresh();
      const runs = recorder<{ payload: unknown; ctx: JobContext }>();
      runner.register('contract.echo', async (payload, ctx) => { runs.push({ payload, ctx }); });
      await runner.start();
      await runner.enqueue('contract.echo', { n: 7, note: 'hello' });
      const [run] = await runs.until(1);
      expect(run?.payload).toEqual({ n: 7, note: 'hello' });
      expect(run?.ctx).toMatchObject({ name: 'contract.echo', attempt: 1 });
      expect(run?.ctx.jobId).not.toBe('');
    }, CASE_TIMEOUT_MS);

    it('answers ping while open and refuses it once closed', async () => {
      const runner = await fresh();
      await runner.start();
      await expect(runner.ping()).resolves.toBeUndefined();
      await runner.close();
      await expect(runner.ping()).rejects.toThrow();
    }, CASE_TIMEOUT_MS);

    it('runs jobs enqueued before start()', async () => {
      const runner = await fresh();
      const runs = recorder<number>();
      runner.register('contract.echo', async ({ n }) => { runs.push(n); });
      await runner.enqueue('contract.echo', { n: 1 });
      await runner.enqueue('contract.echo', { n: 2 });
      await runner.start();
      expect(await runs.until(2)).toEqual([1, 2]);
    }, CASE_TIMEOUT_MS);

    it.each([
      { label: 'a wrong type', payload: { n: 'seven' }, field: 'n' },
      { label: 'a missing field', payload: {}, field: 'n' },
      { label: 'a fraction for an integer', payload: { n: 1.5 }, field: 'n' },
    ])('rejects $label at enqueue, naming the job and the field', async ({ payload, field }) => {
      const runner = await fresh();
      const runs = recorder<unknown>();
      runner.register('contract.echo', async (p) => { runs.push(p); });
      const marker = markers(runner);
      await runner.start();
      // @ts-expect-error the payloads are wrong on purpose: enqueue must reject at runtime what the types reject
      const enqueued = runner.enqueue('contract.echo', payload);
      await expect(enqueued).rejects.toThrow(new RegExp(`contract\\.echo.*${field}`));
      await marker.after(100);
      expect(runs.items).toEqual([]);
    }, CASE_TIMEOUT_MS);

    it('rejects a job name that is not in the registry', async () => {
      const runner = await fresh();
      // @ts-expect-error unknown names are a type error as well as a runtime one
      expect(() => runner.register('contract.nope', async () => {})).toThrow(/contract\.nope/);
      // @ts-expect-error unknown names are a type error as well as a runtime one
      await expect(runner.enqueue('contract.nope', {})).rejects.toThrow(/contract\.nope/);
    }, CASE_TIMEOUT_MS);

    it.each([
      { label: 'neither everyMs nor pattern', spec: {} },
      { label: 'both everyMs and pattern', spec: { everyMs: 100, pattern: '* * * * *' } },
      { label: 'a cron pattern with 3 fields', spec: { pattern: '* * *' } },
      { label: 'an unparsable cron pattern', spec: { pattern: '99 * * * *' } },
    ])('rejects a recurring spec with $label', async ({ spec }) => {
      const runner = await fresh();
      await expect(runner.schedule('contract-bad', spec, 'contract.echo', { n: 1 })).rejects.toThrow(/everyMs|pattern|cron/);
    }, CASE_TIMEOUT_MS);

    it('does not run a delayed job before its delay, and runs it after', async () => {
      const runner = await fresh();
      const runs = recorder<{ n: number; at: number }>();
      runner.register('contract.echo', async ({ n }) => { runs.push({ n, at: Date.now() }); }, { concurrency: 2 });
      await runner.start();
      const enqueuedAt = Date.now();
      await runner.enqueue('contract.echo', { n: 1 }, { delayMs: 300 });
      await runner.enqueue('contract.echo', { n: 2 }, { runAt: new Date(enqueuedAt + 400) });
      await runner.enqueue('contract.echo', { n: 3 });
      const order = await runs.until(3);
      expect(order.map((r) => r.n)).toEqual([3, 1, 2]);
      expect(order[1]!.at - enqueuedAt).toBeGreaterThanOrEqual(300);
      expect(order[2]!.at - enqueuedAt).toBeGreaterThanOrEqual(400);
    }, CASE_TIMEOUT_MS);

    it('retries a failing job with backoff, then succeeds, counting attempts', async () => {
      const runner = await fresh();
      const attempts = recorder<{ attempt: number; at: number; jobId: string }>();
      runner.register('contract.echo', async (_p, ctx) => {
        attempts.push({ attempt: ctx.attempt, at: Date.now(), jobId: ctx.jobId });
        if (ctx.attempt < 3) throw new Error(`transient failure ${ctx.attempt}`);
      });
      await runner.start();
      await runner.enqueue('contract.echo', { n: 1 }, { attempts: 5, backoff: { type: 'exponential', delayMs: 100 } });
      const seen = await attempts.until(3);
      expect(seen.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(new Set(seen.map((a) => a.jobId)).size).toBe(1);
      const [first, second] = gaps(seen.map((a) => a.at));
      expect(first).toBeGreaterThanOrEqual(100);
      expect(second).toBeGreaterThanOrEqual(200);
    }, CASE_TIMEOUT_MS);

    it('gives up after `attempts`', async () => {
      const runner = await fresh();
      const attempts = recorder<number>();
      runner.register('contract.echo', async (_p, ctx) => {
        attempts.push(ctx.attempt);
        throw new Error('always fails');
      });
      const marker = markers(runner);
      await runner.start();
      await runner.enqueue('contract.echo', { n: 1 }, { attempts: 3, backoff: { type: 'fixed', delayMs: 30 } });
      await attempts.until(3);
      await marker.after(300);
      expect(attempts.items).toEqual([1, 2, 3]);
    }, CASE_TIMEOUT_MS);

    it.each([
      { label: 'NonRetryable', make: () => new NonRetryable('bad input') },
      { label: 'any error with retryable: false', make: () => Object.assign(new Error('row gone'), { retryable: false }) },
    ])('does not retry $label', async ({ make }) => {
      const runner = await fresh();
      const attempts = recorder<number>();
      runner.register('contract.echo', async (_p, ctx) => {
        attempts.push(ctx.attempt);
        throw make();
      });
      const marker = markers(runner);
      await runner.start();
      await runner.enqueue('contract.echo', { n: 1 }, { attempts: 5, backoff: { type: 'fixed', delayMs: 30 } });
      await attempts.until(1);
      await marker.after(300);
      expect(attempts.items).toEqual([1]);
    }, CASE_TIMEOUT_MS);

    it('fails without retry a payload that no longer validates when it runs', async () => {
      const runner = await fresh();
      const runs = recorder<unknown>();
      runner.register('contract.guarded', async (p) => { runs.push(p); });
      const marker = markers(runner);
      await runner.start();
      await runner.enqueue('contract.guarded', { n: 1 }, { delayMs: 100, attempts: 3, backoff: { type: 'fixed', delayMs: 30 } });
      gate.accept = false;
      await marker.after(400);
      expect(runs.items).toEqual([]);
      // once at enqueue, once at the only run
      expect(gate.checks).toBe(2);
    }, CASE_TIMEOUT_MS);

    // the key has colons on purpose: hub keys look like 'sla:SR-000123', which BullMQ refuses as a custom job id
    it('runs the same jobId once while it is pending, and again once it has finished', async () => {
      const runner = await fresh();
      const runs = recorder<number>();
      runner.register('contract.echo', async ({ n }) => { runs.push(n); });
      const marker = markers(runner);
      await runner.start();
      await runner.enqueue('contract.echo', { n: 1 }, { jobId: 'contract:dedup:1', delayMs: 100 });
      await runner.enqueue('contract.echo', { n: 2 }, { jobId: 'contract:dedup:1', delayMs: 100 });
      await runs.until(1);
      await marker.after(300);
      expect(runs.items).toEqual([1]);
      await runner.enqueue('contract.echo', { n: 3 }, { jobId: 'contract:dedup:1' });
      expect(await runs.until(2)).toEqual([1, 3]);
    }, CASE_TIMEOUT_MS);

    it('caps how many handlers of one name run at once at its concurrency', async () => {
      const runner = await fresh();
      let running = 0;
      let peak = 0;
      const bothStarted = deferred();
      const done = recorder<number>();
      runner.register('contract.echo', async ({ n }) => {
        running += 1;
        peak = Math.max(peak, running);
        if (running === 2) bothStarted.resolve();
        // the first two wait for each other, so reaching the cap is proven, not hoped for
        if (n <= 2) await bothStarted.promise;
        await delay(20);
        running -= 1;
        done.push(n);
      }, { concurrency: 2 });
      await runner.start();
      for (const n of [1, 2, 3, 4, 5]) await runner.enqueue('contract.echo', { n });
      await done.until(5);
      expect(peak).toBe(2);
    }, CASE_TIMEOUT_MS);

    it('repeats a recurring job, and upserting the same schedulerId twice does not double it', async () => {
      const runner = await fresh();
      const runs = recorder<{ n: number; at: number }>();
      runner.register('contract.echo', async ({ n }) => { runs.push({ n, at: Date.now() }); });
      await runner.start();
      await runner.schedule('contract-every', { everyMs: 200 }, 'contract.echo', { n: 42 });
      await runner.schedule('contract-every', { everyMs: 200 }, 'contract.echo', { n: 42 });
      const seen = await runs.until(4);
      expect(seen.map((r) => r.n)).toEqual([42, 42, 42, 42]);
      // 4 runs span 3 intervals (600 ms); a doubled schedule would fit them in about 1 (200 ms).
      // The span, not each gap, is asserted: one late run under load shortens the next gap.
      expect(seen[3]!.at - seen[0]!.at).toBeGreaterThanOrEqual(400);
    }, CASE_TIMEOUT_MS);

    it('follows a cron pattern with seconds', async () => {
      const runner = await fresh();
      const runs = recorder<number>();
      runner.register('contract.echo', async () => { runs.push(Date.now()); });
      await runner.start();
      await runner.schedule('contract-cron', { pattern: '* * * * * *' }, 'contract.echo', { n: 1 });
      const times = await runs.until(2);
      // each run lands just after a whole second, in a different second
      for (const t of times) expect(t % 1000).toBeLessThan(500);
      for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(500);
    }, CASE_TIMEOUT_MS);

    it('stops a recurring job on unschedule', async () => {
      const runner = await fresh();
      const runs = recorder<number>();
      runner.register('contract.echo', async () => { runs.push(Date.now()); });
      const marker = markers(runner);
      await runner.start();
      await runner.schedule('contract-stop', { everyMs: 200 }, 'contract.echo', { n: 1 });
      await runs.until(2);
      await runner.unschedule('contract-stop');
      const runsAtStop = runs.items.length;
      await marker.after(600);
      expect(runs.items.length).toBe(runsAtStop);
    }, CASE_TIMEOUT_MS);

    it('waits in close() for a running handler, then refuses new jobs', async () => {
      const runner = await fresh();
      const started = deferred();
      let finishedAt: number | undefined;
      runner.register('contract.echo', async () => {
        started.resolve();
        // stands for real work that is still going when close() is called
        await delay(200);
        finishedAt = Date.now();
      });
      await runner.start();
      await runner.enqueue('contract.echo', { n: 1 });
      await started.promise;
      await runner.close();
      expect(finishedAt).toBeDefined();
      await expect(runner.enqueue('contract.echo', { n: 2 })).rejects.toThrow(/closed/);
    }, CASE_TIMEOUT_MS);

    it('gives up in close() on a handler that outlives the bound', async () => {
      const runner = await fresh({ closeTimeoutMs: 300 });
      const started = deferred();
      const release = deferred();
      runner.register('contract.echo', async () => {
        started.resolve();
        await release.promise;
      });
      await runner.start();
      await runner.enqueue('contract.echo', { n: 1 });
      await started.promise;
      const closeAt = Date.now();
      await runner.close();
      const took = Date.now() - closeAt;
      release.resolve();
      expect(took).toBeGreaterThanOrEqual(300);
      expect(took).toBeLessThan(3000);
    }, CASE_TIMEOUT_MS);
  });
}
