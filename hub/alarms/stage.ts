import type { Db } from '../../db/client.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { IntakeEvent, type IntakeEventInput } from '../contracts/intake-event.js';
import type { EventBus } from '../events/bus.js';
import { logEvents } from '../events/unit-of-work.js';
import type { Effects } from '../intake/process-event.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { TimerRef } from '../timers/timers.js';
import { recordAlarmBatch, type AlarmItem, type AlarmOutcome } from './record-batch.js';

export interface AlarmStageOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  metrics?: Metrics;
  flapWindowMs: number;
  maxBatch?: number;
  /** batches in flight at once (PGlite has one connection: 1) */
  maxInFlight?: number;
  /** while a batch is in flight, another starts only with at least this many messages waiting (default 32) */
  busyBatch?: number;
  armTimers?: (timers: TimerRef[]) => Promise<void>;
}

interface Written { outcomes: AlarmOutcome[]; logged: LoggedEvent[]; timers: TimerRef[] }
interface Pending { item: AlarmItem; resolve: (o: AlarmOutcome) => void; reject: (err: unknown) => void }

/** A batch that failed as a whole (a lost race, a deadlock) is tried again before its callers hear of it. */
const ATTEMPTS = 3;

/**
 * The alarm stage: group commit for MQTT alarms. Messages that arrive while a batch is being
 * written go together in the next transaction; each caller (the connector, which then sends the
 * PUBACK) hears back only after that transaction has committed.
 */
export class AlarmStage {
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  #isClosed = false;
  #idle: Array<() => void> = [];
  readonly #log: Logger;

  constructor(private readonly opts: AlarmStageOptions) {
    this.#log = opts.log.child({ component: 'alarms' });
  }

  /** Resolves after the message's batch committed: recorded, a duplicate, or dead-lettered (unknown device). */
  submit(input: IntakeEventInput, raw?: AlarmItem['raw']): Promise<AlarmOutcome> {
    return this.submitParsed(IntakeEvent.parse(input), raw);
  }

  /** `submit` for an event already in IntakeEvent's parsed form (the MQTT connector builds it so). */
  submitParsed(ev: IntakeEvent, raw?: AlarmItem['raw']): Promise<AlarmOutcome> {
    if (this.#isClosed) return Promise.reject(new Error('alarm stage is closed'));
    if (!ev.alarm || !ev.deviceId || !ev.faultCode) return Promise.reject(new Error('not an alarm event: alarm, deviceId and faultCode are required'));
    const item: AlarmItem = { ev: { ...ev, alarm: ev.alarm, deviceId: ev.deviceId, faultCode: ev.faultCode }, raw };
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#pump();
    });
  }

  get queued(): number { return this.#queue.length; }

  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#queue.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    const max = this.opts.maxInFlight ?? 1;
    // A second batch starts only for a backlog worth a transaction. A batch costs the hub and
    // PostgreSQL about as much CPU as a few dozen of its messages; at 1,000 alarms/s, batches
    // started at once took a quarter more CPU per alarm than batches that wait for 32 (the alarm
    // bench's CPU rows), and a machine with less idle CPU answers every round trip later. A storm
    // keeps two in flight.
    const busy = this.opts.busyBatch ?? 32;
    while (this.#queue.length > 0 && this.#inFlight < max && (this.#inFlight === 0 || this.#queue.length >= busy)) {
      const batch = this.#queue.splice(0, this.opts.maxBatch ?? 1000);
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        if (this.#queue.length > 0) this.#pump();
        else if (this.#inFlight === 0) this.#idle.splice(0).forEach((done) => done());
      });
    }
  }

  async #write(batch: Pending[]): Promise<Written> {
    const fx: Effects = { events: [], timers: [] };
    const { outcomes, logged } = await this.opts.db.transaction(async (tx) => {
      const outcomes = await recordAlarmBatch(tx, batch.map((p) => p.item), fx, { flapWindowMs: this.opts.flapWindowMs });
      return { outcomes, logged: await logEvents(tx, this.opts.bus, fx.events) };
    });
    return { outcomes, logged, timers: fx.timers };
  }

  async #run(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let done: Written | undefined;
    for (let attempt = 1; !done; attempt++) {
      try {
        done = await this.#write(batch);
      } catch (err) {
        if (attempt < ATTEMPTS) {
          this.#log.warn({ err, size: batch.length, attempt }, 'alarm batch failed; trying again');
          continue;
        }
        this.#log.error({ err, size: batch.length }, 'alarm batch failed');
        this.opts.metrics?.intakeBatchFailures.inc();
        for (const p of batch) p.reject(err);
        return;
      }
    }
    const m = this.opts.metrics;
    m?.alarmBatchSize.observe(batch.length);
    m?.alarmBatchSeconds.observe((performance.now() - started) / 1000);
    const now = Date.now();
    batch.forEach((p, i) => {
      const o = done.outcomes[i]!;
      m?.alarmMessages.inc({ outcome: o.kind });
      if (o.kind === 'recorded') m?.alarmMessageAge.observe(Math.max(0, now - p.item.ev.alarm.occurredAt.getTime()) / 1000);
      if (o.kind === 'dead_letter') m?.deadLetters.inc({ source: 'mqtt', reason: o.reason });
      p.resolve(o);
    });
    this.#log.debug({ size: batch.length, events: done.logged.length, queued: this.#queue.length, ms: Math.round(performance.now() - started) }, 'alarm batch committed');
    this.opts.bus.publish(done.logged);
    if (done.timers.length && this.opts.armTimers) {
      await this.opts.armTimers(done.timers).catch((err: unknown) => this.#log.warn({ err }, 'timers not armed'));
    }
  }
}
