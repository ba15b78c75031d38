import type { Db } from '../../db/client.js';
import type { DomainEvent, LoggedEvent } from '../contracts/domain-events.js';
import { IntakeEvent, type IntakeEventInput, type IntakeResult } from '../contracts/intake-event.js';
import { logEvents } from '../events/unit-of-work.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { loadContactCache } from '../identify/identify.js';
import { indexEntities } from '../search/indexer.js';
import { flushCreates, forgetReceipt, loadRouting, processIntakeEvent, settleReceipts, type BatchContext, type Effects } from './process-event.js';
import { pipelined } from '../../db/pipelined.js';
import type { TimerRef } from '../timers/timers.js';

interface BatchOutcome {
  outcomes: Array<{ ok: true; result: IntakeResult } | { ok: false; err: unknown }>;
  logged: LoggedEvent[];
  timers: TimerRef[];
}

/** One event failed on the fast path: roll back and redo the batch carefully. */
class EventFailed extends Error {
  constructor(override readonly cause: unknown) { super('an event in the batch failed'); }
}

interface Pending {
  event: IntakeEvent;
  resolve: (r: IntakeResult) => void;
  reject: (err: unknown) => void;
}

export interface PipelineOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  metrics?: Metrics;
  /** events per transaction at most */
  maxBatch?: number;
  /** batches in flight at once (PGlite has one connection: 1) */
  maxInFlight?: number;
  /** while a batch is in flight, another starts only with at least this many events waiting */
  busyBatch?: number;
  /** after commit: put the batch's timers on the job queue */
  armTimers?: (timers: TimerRef[]) => Promise<void>;
}

/**
 * Group commit: events that arrive while a batch is being written wait and go together in the
 * next transaction, so throughput grows with load without adding latency when idle. Each event
 * runs in its own savepoint (one bad event fails alone); the batch's domain events are numbered
 * and written last; callers hear back only after commit, then the events are published.
 */
export class IntakePipeline {
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  #isClosed = false;
  #idle: Array<() => void> = [];
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #busyBatch: number;
  readonly #log: Logger;

  constructor(private readonly opts: PipelineOptions) {
    this.#maxBatch = opts.maxBatch ?? 256;
    this.#maxInFlight = opts.maxInFlight ?? 1;
    this.#busyBatch = Math.min(opts.busyBatch ?? 16, this.#maxBatch);
    this.#log = opts.log.child({ component: 'intake' });
  }

  /** Resolves once the event's effects are committed; rejects with the event's own error. */
  submit(input: IntakeEventInput): Promise<IntakeResult> {
    if (this.#isClosed) return Promise.reject(new Error('intake pipeline is closed'));
    const parsed = IntakeEvent.safeParse(input);
    if (!parsed.success) return Promise.reject(parsed.error);
    const event = parsed.data;
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#pump();
    });
  }

  async #writeBatch(batch: Pending[], isCareful: boolean): Promise<BatchOutcome> {
    const outcomes: BatchOutcome['outcomes'] = [];
    const effects: Effects[] = [];
    const logged = await this.opts.db.transaction(async (tx) => {
      // Fast path: one read of the batch's known senders, and its new contacts and requests
      // written together at the end. Not with savepoints: a rolled-back one would leave a stale
      // cache entry or a pending write of an event that failed.
      const ctx: BatchContext = { receipts: new Map() };
      if (!isCareful) {
        // the senders and the routing in one round trip
        const [contacts, routing] = await pipelined(loadContactCache(tx, batch.map((p) => p.event)), loadRouting(tx));
        ctx.contacts = contacts;
        ctx.routing = Promise.resolve(routing);
        ctx.creates = [];
      }
      for (const p of batch) {
        const mine: Effects = { events: [], timers: [] };
        try {
          const result = isCareful
            ? await tx.transaction((sp) => processIntakeEvent(sp, p.event, mine, ctx))
            : await processIntakeEvent(tx, p.event, mine, ctx);
          effects.push(mine);
          outcomes.push({ ok: true, result });
        } catch (err) {
          if (!isCareful) throw new EventFailed(err);
          forgetReceipt(ctx, p.event);
          outcomes.push({ ok: false, err });
        }
      }
      // a write that fails here may be any one event's: redo the batch event by event
      await flushCreates(tx, ctx).catch((err: unknown) => { throw new EventFailed(err); });
      // independent of each other: their statements share round trips
      const [, , logged] = await pipelined(
        settleReceipts(tx, ctx),
        ctx.contacts?.created.length ? indexEntities(tx, 'contact', ctx.contacts.created) : Promise.resolve(),
        // numbered in the batch's order (a deferred request's events are added by flushCreates)
        logEvents(tx, this.opts.bus, effects.flatMap((e) => e.events)),
      );
      return logged;
    });
    return { outcomes, logged, timers: effects.flatMap((e) => e.timers) };
  }

  /** Stops taking events and waits for what was submitted to commit. */
  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#queue.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    // A second batch starts only for a backlog worth a transaction: a transaction costs about as
    // much as a dozen events, and events that trickle in while one batch is being written go
    // faster together in the next one than each in a transaction of its own.
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight && (this.#inFlight === 0 || this.#queue.length >= this.#busyBatch)) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#runBatch(batch).finally(() => {
        this.#inFlight--;
        if (this.#queue.length > 0) this.#pump();
        else if (this.#inFlight === 0) this.#idle.splice(0).forEach((done) => done());
      });
    }
  }

  async #runBatch(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let done: BatchOutcome;
    try {
      // Fast path: no savepoints. If any event fails, the whole transaction is rolled back and
      // the batch is redone with a savepoint per event, so the failure stays that event's own.
      done = await this.#writeBatch(batch, false).catch((err: unknown) => {
        if (err instanceof EventFailed && batch.length > 1) return this.#writeBatch(batch, true);
        throw err instanceof EventFailed ? err.cause : err;
      });
    } catch (err) {
      if (batch.length === 1) {
        this.opts.metrics?.intakeEvents.inc({ channel: batch[0]!.event.channel, outcome: 'rejected' });
        batch[0]!.reject(err);
        return;
      }
      this.#log.error({ err, size: batch.length }, 'intake batch failed');
      this.opts.metrics?.intakeBatchFailures.inc();
      for (const p of batch) p.reject(err);
      return;
    }
    const { outcomes, logged, timers } = done;
    this.opts.metrics?.intakeBatchSize.observe(batch.length);
    this.opts.metrics?.intakeBatchSeconds.observe((performance.now() - started) / 1000);
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) {
        this.opts.metrics?.intakeEvents.inc({ channel: p.event.channel, outcome: o.result.kind });
        p.resolve(o.result);
      } else {
        this.opts.metrics?.intakeEvents.inc({ channel: p.event.channel, outcome: 'rejected' });
        p.reject(o?.err);
      }
    });
    this.#log.debug({ size: batch.length, events: logged.length }, 'intake batch committed');
    this.opts.bus.publish(logged);
    if (timers.length && this.opts.armTimers) {
      // A timer that is not armed now is still in the database: the sweep arms it in time.
      await this.opts.armTimers(timers).catch((err: unknown) => this.#log.warn({ err, count: timers.length }, 'timers not armed'));
    }
  }
}
