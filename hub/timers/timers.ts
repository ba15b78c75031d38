import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { insertRows } from '../../db/insert-rows.js';
import { timers } from '../../db/schema/index.js';
import { TimerAction, type JobRegistryType } from '../contracts/jobs.js';
import type { JobRunner } from '../platform/jobs/port.js';
import type { Logger } from '../platform/logger.js';

/** How far ahead the queue holds copies of timers; the sweep runs well within it. */
export const TIMER_HORIZON_MS = 15 * 60_000;

export interface TimerRef { id: string; key: string; runAt: Date }
/** A timer to set: its key (one pending timer per key), what it does and when. */
export interface TimerItem { key: string; action: TimerAction; runAt: Date }

export type TimerHandler = (tx: Tx, action: TimerAction, timer: { id: string; runAt: Date }) => Promise<void>;

/**
 * Durable deadlines: the row is written in the caller's transaction; the queue only holds a
 * copy (dedup key = timer key and time, so a copy is never doubled). Only the near future is
 * kept on the queue: `armDue` (at start and every minute) re-arms what comes due soon.
 */
export class TimerService {
  readonly #log: Logger;
  constructor(private readonly db: Db, private readonly jobs: JobRunner<JobRegistryType>, log: Logger) {
    this.#log = log.child({ component: 'timers' });
  }

  /** In a transaction: set (or move) the timer; call `arm` with the result after commit. */
  static async set(tx: DbOrTx, key: string, action: TimerAction, runAt: Date): Promise<TimerRef> {
    const [row] = await TimerService.setMany(tx, [{ key, action, runAt }]);
    return row!;
  }

  /**
   * Several timers in one statement of the same text for any number (the intake path sets two
   * per request, for a whole batch at once). The keys must differ.
   */
  static async setMany(tx: DbOrTx, items: readonly TimerItem[]): Promise<TimerRef[]> {
    return insertRows(tx, timers, items.map((i) => ({ key: i.key, job: i.action.kind, payload: i.action, runAt: i.runAt })), {
      onConflict: 'on conflict (key) do update set payload = excluded.payload, run_at = excluded.run_at, fired_at = null',
      returning: ['id', 'key', 'runAt'],
    });
  }

  static async cancel(tx: DbOrTx, key: string): Promise<void> {
    await tx.update(timers).set({ firedAt: sql`now()` }).where(and(eq(timers.key, key), isNull(timers.firedAt)));
  }

  async arm(t: TimerRef): Promise<void> {
    await this.jobs.enqueue('timer.fire', { timerId: t.id }, {
      runAt: t.runAt, jobId: `timer:${t.key}:${t.runAt.getTime()}`, attempts: 10, backoff: { type: 'exponential', delayMs: 2000 },
    });
  }

  /**
   * Puts every pending timer due within `horizonMs` on the queue (again). Called at start and
   * by a sweep every minute, so the queue holds only the near future and a lost copy (a
   * restart of the in-process runner, a flushed Redis) is back within a minute. Arming twice
   * is harmless: the job's dedup key is the timer's key and time.
   */
  async armDue(horizonMs = TIMER_HORIZON_MS): Promise<number> {
    const due = await this.db.select({ id: timers.id, key: timers.key, runAt: timers.runAt }).from(timers)
      .where(and(isNull(timers.firedAt), lte(timers.runAt, new Date(Date.now() + horizonMs))))
      .orderBy(asc(timers.runAt)).limit(10_000);
    for (const t of due) await this.arm(t);
    return due.length;
  }

  /** At start: the timers that come due soon go back on the queue. */
  async rebuild(): Promise<number> {
    const n = await this.armDue();
    this.#log.info({ count: n }, 'timers rebuilt from the database');
    return n;
  }

  /**
   * In the transaction that runs the timer's action: marks it fired if it is still pending and
   * due, and returns its action (null: fired already, moved, or not due). A second hub's claim
   * waits on the row until this transaction ends and then finds it fired; a hub that dies before
   * committing leaves the timer pending, so the sweep fires it again: exactly once either way.
   */
  async claim(tx: Tx, timerId: string): Promise<{ action: TimerAction; id: string; runAt: Date } | null> {
    const [claimed] = await tx.update(timers).set({ firedAt: sql`now()` })
      .where(and(eq(timers.id, timerId), isNull(timers.firedAt), lte(timers.runAt, sql`now() + interval '1 second'`)))
      .returning();
    return claimed ? { action: TimerAction.parse(claimed.payload), id: claimed.id, runAt: claimed.runAt } : null;
  }

  /** Claims the timer and runs its action in one transaction (see claim). */
  async fire(timerId: string, handle: TimerHandler): Promise<void> {
    await this.db.transaction(async (tx) => {
      const claimed = await this.claim(tx, timerId);
      if (claimed) await handle(tx, claimed.action, { id: claimed.id, runAt: claimed.runAt });
    });
  }
}
