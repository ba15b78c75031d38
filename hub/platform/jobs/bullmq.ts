// BullMQ adapter: one queue, one worker per process. Every process that calls start() takes
// jobs of every name from the shared queue, so it must register a handler for every name.
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { NonRetryable, isNonRetryable, type JobContext, type JobRegistry, type JobRunner } from './port.js';
import {
  DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_CLOSE_TIMEOUT_MS, InvalidJobOptions, JobRunnerClosed,
  checkConcurrency, parsePayload, resolveEnqueueOptions, resolveRecurringSpec, schemaOf, settleWithin,
  type ResolvedEnqueue,
} from './rules.js';

export interface BullmqJobRunnerOptions<R extends JobRegistry> {
  registry: R;
  logger: Logger;
  redisUrl: string;
  /** Redis key prefix, e.g. 'hub', or a random one per test */
  prefix: string;
  queueName?: string;
  /** how long close() waits for running handlers before dropping the connections */
  closeTimeoutMs?: number;
}

// Finished jobs are kept for inspection, bounded so Redis does not grow without limit.
const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} satisfies JobsOptions;

type StoredHandler = (payload: unknown, ctx: JobContext) => Promise<void>;
type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

function toBullmqBackoff(backoff: ResolvedEnqueue['backoff']): JobsOptions['backoff'] {
  return { type: backoff.type, delay: backoff.delayMs };
}

/** Per-name cap inside the one worker, whose own concurrency is the sum of the caps. */
function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // hand the slot straight to a waiter so a newcomer cannot overtake it
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

function toUnrecoverable(err: unknown): UnrecoverableError {
  const unrecoverable = new UnrecoverableError(err instanceof Error ? err.message : String(err));
  unrecoverable.cause = err;
  if (err instanceof Error && err.stack) unrecoverable.stack = err.stack;
  return unrecoverable;
}

export function createBullmqJobRunner<R extends JobRegistry>(options: BullmqJobRunnerOptions<R>): JobRunner<R> {
  const { registry, prefix } = options;
  const queueName = options.queueName ?? 'jobs';
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  const log = options.logger.child({ component: 'jobs', adapter: 'bullmq', queue: queueName });

  // BullMQ requires maxRetriesPerRequest: null: its blocking commands must wait out a reconnect
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  // queue and worker already report this connection's errors; this listener only keeps ioredis
  // from printing "unhandled error event" to stderr before they attach and after they detach
  connection.on('error', (err: Error) => log.debug({ err }, 'redis connection error'));
  const queue = new Queue(queueName, { connection, prefix });
  queue.on('error', (err) => log.error({ err }, 'queue error'));

  const handlers = new Map<string, { handler: StoredHandler; concurrency: number; limit: Limiter }>();
  let worker: Worker | undefined;
  let started = false;
  let closing: Promise<void> | undefined;

  async function processJob(job: Job): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const ctx: JobContext = { jobId: job.id ?? '', attempt, name: job.name };
    const fields = { jobId: ctx.jobId, job: job.name, attempt };
    try {
      const entry = handlers.get(job.name);
      if (!entry) throw new NonRetryable(`no handler registered for job "${job.name}"`);
      const payload = parsePayload(registry, job.name, job.data, 'run');
      await entry.limit(() => entry.handler(payload, ctx));
      log.debug(fields, 'job completed');
    } catch (err) {
      if (isNonRetryable(err)) {
        log.error({ err, ...fields }, 'job failed');
        throw toUnrecoverable(err);
      }
      if (attempt >= (job.opts.attempts ?? 1)) log.error({ err, ...fields }, 'job failed');
      else log.warn({ err, ...fields }, 'job attempt failed, will retry');
      throw err instanceof Error ? err : new Error(String(err));
    }
  }

  async function closeWorker(w: Worker): Promise<void> {
    const closed = w.close();
    if (await settleWithin([closed], closeTimeoutMs)) return;
    // BullMQ's close cannot be bounded once begun; dropping the connections ends the wait.
    // The running jobs keep their lock until it expires, then a stalled check retries them.
    log.warn({ closeTimeoutMs }, 'close gave up waiting for running jobs');
    closed.catch((err: unknown) => log.debug({ err }, 'worker close after timeout'));
    await w.disconnect();
  }

  return {
    kind: 'bullmq',

    async ping() {
      if (connection.status === 'end' || connection.status === 'close') throw new Error('redis connection is closed');
      // The connection queues commands while Redis is away (maxRetriesPerRequest: null): bound the wait.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('redis did not answer within 2 s')), 2000); });
      try {
        await Promise.race([connection.ping(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    register(name, handler, opts) {
      schemaOf(registry, name);
      if (started) throw new InvalidJobOptions(`register "${name}" before start()`);
      if (handlers.has(name)) throw new InvalidJobOptions(`job "${name}" already has a handler`);
      const concurrency = checkConcurrency(name, opts?.concurrency);
      // the payload is parsed with registry[name] before the call, which is what the cast assumes
      handlers.set(name, { handler: handler as StoredHandler, concurrency, limit: createLimiter(concurrency) });
    },

    async enqueue(name, payload, opts = {}) {
      if (closing) throw new JobRunnerClosed();
      const data = parsePayload(registry, name, payload, 'enqueue');
      const resolved = resolveEnqueueOptions(opts, Date.now());
      // deduplication (not a custom jobId) frees the key once the job finishes; a custom
      // jobId would keep blocking re-enqueues for as long as the finished job is retained
      const jobOpts: JobsOptions = {
        ...RETENTION,
        attempts: resolved.attempts,
        backoff: toBullmqBackoff(resolved.backoff),
        ...(resolved.delayMs > 0 ? { delay: resolved.delayMs } : {}),
        ...(resolved.dedupKey !== undefined ? { deduplication: { id: resolved.dedupKey } } : {}),
      };
      const job = await queue.add(name, data, jobOpts);
      log.debug({ jobId: job.id, job: name, delayMs: resolved.delayMs }, 'job enqueued');
    },

    async schedule(schedulerId, spec, name, payload) {
      if (closing) throw new JobRunnerClosed();
      const data = parsePayload(registry, name, payload, 'enqueue');
      const resolved = resolveRecurringSpec(spec);
      const repeat = resolved.kind === 'every'
        ? { every: resolved.everyMs }
        : { pattern: resolved.pattern, ...(resolved.tz ? { tz: resolved.tz } : {}) };
      await queue.upsertJobScheduler(schedulerId, repeat, {
        name,
        data,
        opts: { ...RETENTION, attempts: DEFAULT_ATTEMPTS, backoff: toBullmqBackoff(DEFAULT_BACKOFF) },
      });
      log.info({ schedulerId, job: name }, 'job scheduled');
    },

    async unschedule(schedulerId) {
      await queue.removeJobScheduler(schedulerId);
      log.info({ schedulerId }, 'job unscheduled');
    },

    async start() {
      if (closing) throw new JobRunnerClosed();
      if (started) return;
      started = true;
      if (handlers.size === 0) {
        // a worker without handlers would take other processes' jobs and fail them
        log.warn('job runner started without handlers: not taking jobs');
        return;
      }
      const concurrency = [...handlers.values()].reduce((sum, h) => sum + h.concurrency, 0);
      const w = new Worker(queueName, processJob, { connection, prefix, concurrency, autorun: false });
      w.on('error', (err) => log.error({ err }, 'worker error'));
      worker = w;
      w.run().catch((err: unknown) => log.error({ err }, 'worker stopped'));
      await w.waitUntilReady();
      log.info({ handlers: [...handlers.keys()], concurrency }, 'job runner started');
    },

    close() {
      closing ??= (async () => {
        if (worker) await closeWorker(worker);
        await queue.close();
        // after a timed-out close the worker's disconnect has already ended the connection
        if (connection.status !== 'end') await connection.quit();
        log.info('job runner closed');
      })();
      return closing;
    },
  };
}
