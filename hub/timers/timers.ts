import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { timers } from '../../db/schema/index.js';
import { TimerAction, type JobRegistryType } from '../contracts/jobs.js';
import type { JobRunner } from '../platform/jobs/port.js';
import type { Logger } from '../platform/logger.js';

export interface TimerRef { id: string; key: string; runAt: Date }

export type TimerHandler = (action: TimerAction, timer: { id: string; runAt: Date }) => Promise<void>;

/**
 * Durable deadlines: the row is written in the caller's transaction; the queue only holds a
 * copy (job id = timer key, so a copy is never doubled). `rebuild` re-enqueues every pending
 * timer at start, and a periodic sweep fires any whose copy was lost.
 */
export class TimerService {
  readonly #log: Logger;
  constructor(private readonly db: Db, private readonly jobs: JobRunner<JobRegistryType>, log: Logger) {
    this.#log = log.child({ component: 'timers' });
  }

  /** In a transaction: set (or move) the timer; call `arm` with the result after commit. */
  static async set(tx: DbOrTx, key: string, action: TimerAction, runAt: Date): Promise<TimerRef> {
    const [row] = await tx.insert(timers).values({ key, job: action.kind, payload: action, runAt })
      .onConflictDoUpdate({ target: timers.key, set: { payload: action, runAt, firedAt: null } })
      .returning({ id: timers.id, key: timers.key, runAt: timers.runAt });
    return row!;
  }

  /** Several timers in one statement (the intake path sets two per request). */
  static async setMany(tx: DbOrTx, items: Array<{ key: string; action: TimerAction; runAt: Date }>): Promise<TimerRef[]> {
    if (!items.length) return [];
    return tx.insert(timers).values(items.map((i) => ({ key: i.key, job: i.action.kind, payload: i.action, runAt: i.runAt })))
      .onConflictDoUpdate({ target: timers.key, set: { payload: sql`excluded.payload`, runAt: sql`excluded.run_at`, firedAt: null } })
      .returning({ id: timers.id, key: timers.key, runAt: timers.runAt });
  }

  static async cancel(tx: DbOrTx, key: string): Promise<void> {
    await tx.update(timers).set({ firedAt: sql`now()` }).where(and(eq(timers.key, key), isNull(timers.firedAt)));
  }

  async arm(t: TimerRef): Promise<void> {
    await this.jobs.enqueue('timer.fire', { timerId: t.id }, {
      runAt: t.runAt, jobId: `timer:${t.key}:${t.runAt.getTime()}`, attempts: 10, backoff: { type: 'exponential', delayMs: 2000 },
    });
  }

  /** At start: every pending timer goes back on the queue. */
  async rebuild(): Promise<number> {
    const pending = await this.db.select({ id: timers.id, key: timers.key, runAt: timers.runAt }).from(timers)
      .where(isNull(timers.firedAt)).orderBy(asc(timers.runAt));
    for (const t of pending) await this.arm(t);
    this.#log.info({ count: pending.length }, 'timers rebuilt from the database');
    return pending.length;
  }

  /** Timers past due by more than a minute whose job never ran. */
  async sweep(): Promise<number> {
    const late = await this.db.select({ id: timers.id, key: timers.key, runAt: timers.runAt }).from(timers)
      .where(and(isNull(timers.firedAt), lte(timers.runAt, new Date(Date.now() - 60_000)))).limit(1000);
    for (const t of late) await this.arm(t);
    return late.length;
  }

  /**
   * Claims the timer (firedAt set only if still pending and due) and runs its action in the
   * same transaction order: a timer fires once even when two hubs hold a copy.
   */
  async fire(timerId: string, handle: TimerHandler): Promise<void> {
    const [claimed] = await this.db.update(timers).set({ firedAt: sql`now()` })
      .where(and(eq(timers.id, timerId), isNull(timers.firedAt), lte(timers.runAt, sql`now() + interval '1 second'`)))
      .returning();
    if (!claimed) return;
    try {
      await handle(TimerAction.parse(claimed.payload), { id: claimed.id, runAt: claimed.runAt });
    } catch (err) {
      // Give the timer back so the retry (or the sweep) fires it again.
      await this.db.update(timers).set({ firedAt: null }).where(eq(timers.id, timerId));
      throw err;
    }
  }
}
