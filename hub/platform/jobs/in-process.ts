// Embedded job runner: no services, nothing survives a restart. Pending and delayed jobs and
// schedules live in memory, so it suits a single hub, development and tests.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { NonRetryable, isNonRetryable, type JobContext, type JobRegistry, type JobRunner } from './port.js';
import {
  DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_CLOSE_TIMEOUT_MS, JobRunnerClosed, InvalidJobOptions,
  backoffDelayMs, checkConcurrency, nextCronMs, parsePayload, resolveEnqueueOptions, resolveRecurringSpec,
  schemaOf, settleWithin, type ResolvedEnqueue, type ResolvedSpec,
} from './rules.js';

export interface InProcessJobRunnerOptions<R extends JobRegistry> {
  registry: R;
  logger: Logger;
  /** epoch ms; every delay is measured against it */
  now?: () => number;
  /** how long close() waits for running handlers */
  closeTimeoutMs?: number;
}

// Node fires a timer after 1 ms when asked for more than 2^31-1 ms, so long waits are re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

type StoredHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

interface Scheduler {
  id: string;
  spec: ResolvedSpec;
  name: string;
  payload: unknown;
  /** identical upserts compare equal, so a second hub calling schedule() keeps the cadence */
  key: string;
  alarm: Alarm | undefined;
  /** the iteration created but not started yet; the next one is armed when it starts */
  pending: PendingJob | undefined;
}

interface PendingJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  attempts: number;
  backoff: ResolvedEnqueue['backoff'];
  dedupKey: string | undefined;
  scheduler: Scheduler | undefined;
  scheduledFor: number;
}

interface Alarm { cancel(): void }

function armAlarm(now: () => number, at: number, fire: () => void): Alarm {
  let timer: NodeJS.Timeout;
  // re-check on wake: a clamped timer, or a clock that disagrees with setTimeout, may wake early
  const arm = (): void => {
    timer = setTimeout(() => (now() < at ? arm() : fire()), Math.min(Math.max(0, at - now()), MAX_TIMER_MS));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

export function createInProcessJobRunner<R extends JobRegistry>(options: InProcessJobRunnerOptions<R>): JobRunner<R> {
  const { registry } = options;
  const now = options.now ?? Date.now;
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  const log = options.logger.child({ component: 'jobs', adapter: 'in-process' });

  const handlers = new Map<string, { handler: StoredHandler; concurrency: number }>();
  const ready = new Map<string, PendingJob[]>();
  const delayed = new Map<PendingJob, Alarm>();
  const running = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const dedup = new Map<string, PendingJob>();
  const schedulers = new Map<string, Scheduler>();
  let started = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  function pump(name: string): void {
    if (!started || closed) return;
    const limit = handlers.get(name)?.concurrency ?? 1;
    const queue = ready.get(name);
    while (queue && queue.length > 0 && (running.get(name) ?? 0) < limit) {
      const job = queue.shift();
      if (job) run(job);
    }
  }

  function run(job: PendingJob): void {
    running.set(job.name, (running.get(job.name) ?? 0) + 1);
    const done: Promise<void> = execute(job).finally(() => {
      running.set(job.name, (running.get(job.name) ?? 1) - 1);
      inFlight.delete(done);
      pump(job.name);
    });
    inFlight.add(done);
  }

  function makeReady(job: PendingJob): void {
    const queue = ready.get(job.name) ?? [];
    queue.push(job);
    ready.set(job.name, queue);
    pump(job.name);
  }

  function place(job: PendingJob, at: number): void {
    if (closed) {
      log.warn({ jobId: job.id, job: job.name }, 'job dropped: runner closed');
      finish(job);
      return;
    }
    if (at <= now()) return makeReady(job);
    delayed.set(job, armAlarm(now, at, () => {
      delayed.delete(job);
      makeReady(job);
    }));
  }

  function unplace(job: PendingJob): void {
    delayed.get(job)?.cancel();
    delayed.delete(job);
    const queue = ready.get(job.name);
    if (queue) ready.set(job.name, queue.filter((j) => j !== job));
    finish(job);
  }

  function finish(job: PendingJob): void {
    if (job.dedupKey !== undefined && dedup.get(job.dedupKey) === job) dedup.delete(job.dedupKey);
  }

  async function execute(job: PendingJob): Promise<void> {
    const ctx: JobContext = { jobId: job.id, attempt: job.attempt, name: job.name };
    if (job.scheduler) iterationStarted(job, job.scheduler);
    try {
      const entry = handlers.get(job.name);
      if (!entry) throw new NonRetryable(`no handler registered for job "${job.name}"`);
      await entry.handler(parsePayload(registry, job.name, job.payload, 'run'), ctx);
      finish(job);
      log.debug({ jobId: job.id, job: job.name, attempt: job.attempt }, 'job completed');
    } catch (err) {
      if (isNonRetryable(err) || job.attempt >= job.attempts) {
        finish(job);
        log.error({ err, jobId: job.id, job: job.name, attempt: job.attempt }, 'job failed');
        return;
      }
      log.warn({ err, jobId: job.id, job: job.name, attempt: job.attempt }, 'job attempt failed, will retry');
      const retryAt = now() + backoffDelayMs(job.backoff, job.attempt);
      job.attempt += 1;
      place(job, retryAt);
    }
  }

  function armTick(s: Scheduler, at: number): void {
    s.alarm = armAlarm(now, at, () => {
      s.alarm = undefined;
      const job: PendingJob = {
        id: randomUUID(), name: s.name, payload: s.payload, attempt: 1, attempts: DEFAULT_ATTEMPTS,
        backoff: DEFAULT_BACKOFF, dedupKey: undefined, scheduler: s, scheduledFor: at,
      };
      s.pending = job;
      place(job, at);
    });
  }

  // Arming the next iteration only once this one starts keeps one waiting iteration per
  // schedule (as BullMQ's job schedulers do), so a slow handler cannot pile up a backlog.
  function iterationStarted(job: PendingJob, s: Scheduler): void {
    if (schedulers.get(s.id) !== s || s.pending !== job || closed) return;
    s.pending = undefined;
    const after = Math.max(job.scheduledFor, now());
    armTick(s, s.spec.kind === 'every' ? Math.max(job.scheduledFor + s.spec.everyMs, now()) : nextCronMs(s.spec, after));
  }

  function stopScheduler(s: Scheduler): void {
    s.alarm?.cancel();
    s.alarm = undefined;
    if (s.pending) unplace(s.pending);
    s.pending = undefined;
  }

  return {
    kind: 'in-process',

    async ping() {
      if (closed) throw new Error('job runner is closed');
    },

    register(name, handler, opts) {
      schemaOf(registry, name);
      if (started) throw new InvalidJobOptions(`register "${name}" before start()`);
      if (handlers.has(name)) throw new InvalidJobOptions(`job "${name}" already has a handler`);
      // the payload is parsed with registry[name] before the call, which is what the cast assumes
      handlers.set(name, { handler: handler as StoredHandler, concurrency: checkConcurrency(name, opts?.concurrency) });
    },

    async enqueue(name, payload, opts = {}) {
      if (closed) throw new JobRunnerClosed();
      const stored = parsePayload(registry, name, payload, 'enqueue');
      const resolved = resolveEnqueueOptions(opts, now());
      const { dedupKey } = resolved;
      const existing = dedupKey === undefined ? undefined : dedup.get(dedupKey);
      if (existing) {
        log.debug({ jobId: existing.id, job: name, dedupKey }, 'job deduplicated');
        return;
      }
      const at = now() + resolved.delayMs;
      const job: PendingJob = {
        id: randomUUID(), name, payload: stored, attempt: 1, attempts: resolved.attempts,
        backoff: resolved.backoff, dedupKey, scheduler: undefined, scheduledFor: at,
      };
      if (dedupKey !== undefined) dedup.set(dedupKey, job);
      place(job, at);
      log.debug({ jobId: job.id, job: name, delayMs: resolved.delayMs }, 'job enqueued');
    },

    async schedule(schedulerId, spec, name, payload) {
      if (closed) throw new JobRunnerClosed();
      const stored = parsePayload(registry, name, payload, 'enqueue');
      const resolved = resolveRecurringSpec(spec);
      const key = JSON.stringify([resolved, name, stored]);
      const existing = schedulers.get(schedulerId);
      if (existing?.key === key) return;
      if (existing) stopScheduler(existing);
      const s: Scheduler = { id: schedulerId, spec: resolved, name, payload: stored, key, alarm: undefined, pending: undefined };
      schedulers.set(schedulerId, s);
      armTick(s, resolved.kind === 'every' ? now() : nextCronMs(resolved, now()));
      log.info({ schedulerId, job: name }, 'job scheduled');
    },

    async unschedule(schedulerId) {
      const s = schedulers.get(schedulerId);
      if (!s) return;
      stopScheduler(s);
      schedulers.delete(schedulerId);
      log.info({ schedulerId }, 'job unscheduled');
    },

    async start() {
      if (closed) throw new JobRunnerClosed();
      if (started) return;
      started = true;
      for (const name of ready.keys()) pump(name);
      log.info({ handlers: [...handlers.keys()] }, 'job runner started');
    },

    close() {
      closing ??= (async () => {
        closed = true;
        for (const s of schedulers.values()) s.alarm?.cancel();
        for (const alarm of delayed.values()) alarm.cancel();
        let dropped = delayed.size;
        for (const queue of ready.values()) dropped += queue.length;
        delayed.clear();
        ready.clear();
        dedup.clear();
        const running = inFlight.size;
        const settled = await settleWithin(inFlight, closeTimeoutMs);
        if (!settled) log.warn({ running: inFlight.size, closeTimeoutMs }, 'close gave up waiting for running jobs');
        log.info({ dropped, waitedFor: running }, 'job runner closed');
      })();
      return closing;
    },
  };
}
