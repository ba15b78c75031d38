// Exclusive sessions on BullMQ: one queue per key with a global concurrency of 1 (BullMQ counts
// active jobs across every worker, so a second session cannot start anywhere while one runs) and
// a job scheduler that adds the next session job. A session job runs for sessionMs and ends; the
// next scheduled one then starts on whichever hub's worker takes it. A killed hub's job is found
// stalled once its lock expires (lockDuration) and another hub runs the key again.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { ExclusiveSessions, SessionRun } from './port.js';

export interface BullmqSessionsOptions {
  redisUrl: string;
  prefix: string;
  log: Logger;
  /** how long one session job runs before it hands over */
  sessionMs: number;
  /** a dead hub's session is taken over after about this long (default 15 s) */
  lockMs?: number;
  /** how long close() waits for sessions to end after aborting them (default 10 s) */
  closeTimeoutMs?: number;
}

const SCHEDULER = 'session';

function queueName(key: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`session key "${key}" must be letters, digits, _ . -`);
  return `session-${key}`;
}

export function createBullmqSessions(o: BullmqSessionsOptions): ExclusiveSessions {
  const log = o.log.child({ component: 'sessions', adapter: 'bullmq' });
  const lockMs = o.lockMs ?? 15_000;
  const closeTimeoutMs = o.closeTimeoutMs ?? 10_000;
  const connection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (err: Error) => log.debug({ err }, 'redis connection error'));
  const held = new Map<string, { queue: Queue; worker: Worker }>();
  let running = 0;
  let isClosed = false;

  async function release(key: string, isGone: boolean): Promise<void> {
    const h = held.get(key);
    held.delete(key);
    if (h) {
      h.worker.cancelAllJobs('released');
      await Promise.race([h.worker.close(), new Promise((r) => setTimeout(r, closeTimeoutMs).unref())]);
    }
    const queue = h?.queue ?? new Queue(queueName(key), { connection, prefix: o.prefix });
    if (isGone) {
      await queue.removeJobScheduler(SCHEDULER);
      await queue.obliterate({ force: true }).catch((err: unknown) => log.debug({ err, key }, 'session queue not obliterated'));
    }
    await queue.close();
  }

  return {
    kind: 'bullmq',
    get held() { return held.size; },
    get running() { return running; },

    async hold(key, run: SessionRun) {
      if (isClosed || held.has(key)) return;
      const name = queueName(key);
      const queue = new Queue(name, { connection, prefix: o.prefix });
      queue.on('error', (err) => log.warn({ err, key }, 'session queue error'));
      const worker = new Worker(name, async (job, _token, signal) => {
        const session = AbortSignal.any([...(signal ? [signal] : []), AbortSignal.timeout(o.sessionMs)]);
        running++;
        log.debug({ key, jobId: job.id }, 'session started');
        try {
          await run(session);
        } finally {
          running--;
          log.debug({ key, jobId: job.id }, 'session ended');
        }
      }, {
        connection, prefix: o.prefix, concurrency: 1, autorun: false,
        lockDuration: lockMs, stalledInterval: Math.max(1000, Math.floor(lockMs / 2)), maxStalledCount: 1,
        removeOnComplete: { count: 10 }, removeOnFail: { count: 100 },
      });
      worker.on('error', (err) => log.warn({ err, key }, 'session worker error'));
      // A lost lock means another hub may take the key over: end ours so two never overlap for long.
      worker.on('lockRenewalFailed', () => worker.cancelAllJobs('lock lost'));
      held.set(key, { queue, worker });
      await queue.setGlobalConcurrency(1);
      // Every hub upserts the same scheduler id: one schedule. The first job is due at once.
      await queue.upsertJobScheduler(SCHEDULER, { every: o.sessionMs }, { name: SCHEDULER, data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } });
      worker.run().catch((err: unknown) => log.error({ err, key }, 'session worker stopped'));
      await worker.waitUntilReady();
      log.info({ key }, 'holding session');
    },

    release(key, opts) { return release(key, opts?.isGone ?? false); },

    async close() {
      isClosed = true;
      await Promise.all([...held.keys()].map((k) => release(k, false)));
      if (connection.status !== 'end') await connection.quit().catch(() => connection.disconnect());
    },
  };
}
