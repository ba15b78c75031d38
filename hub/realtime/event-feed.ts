import type { Db } from '../../db/client.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { lastEventSeq } from '../events/event-log.js';
import { readLogAfter } from './log-reader.js';
import type { Logger } from '../platform/logger.js';

const PAGE = 500;

export interface EventFeedOptions {
  db: Db;
  log: Logger;
  /**
   * called with events in seq order; `upTo` is the feed's new position. Every event has been
   * checked against its schema once, before it goes to any socket (the rule): on this
   * hub's bus by appendEvents before it was written, read from the log by readLogAfter.
   */
  deliver: (events: LoggedEvent[], upTo: number) => void;
  /** safety net: how often the log is read even when nothing woke the feed */
  pollMs?: number;
}

/**
 * Tails the event log in seq order: the source of every live frame, on every hub. Because
 * committed seqs are a gap-free prefix (event-log.ts), reading "seq > position" in order never
 * skips one, whichever hub committed it. Local commits arrive through `offer` (the bus) and are
 * used as they are when they continue the position; anything else (a gap, a NOTIFY from
 * another hub, the poll) makes the feed read the log.
 */
export class EventFeed {
  #position = 0;
  readonly #pending = new Map<number, LoggedEvent>();
  /** read the log while the position is below this (Infinity: a poll, unknown how far) */
  #readUpTo = 0;
  #running: Promise<void> | null = null;
  #isAgain = false;
  #poll: NodeJS.Timeout | null = null;
  #isClosed = false;
  readonly #waiters = new Set<{ seq: number; resolve: () => void }>();

  constructor(private readonly opts: EventFeedOptions) {}

  /** Position: every event up to here has been delivered. */
  get position(): number {
    return this.#position;
  }

  async start(): Promise<void> {
    this.#position = await lastEventSeq(this.opts.db);
    this.#poll = setInterval(() => this.nudge(), this.opts.pollMs ?? 1000);
    this.#poll.unref();
  }

  /** Events the local bus published after commit. */
  offer(events: readonly LoggedEvent[]): void {
    for (const e of events) if (e.seq > this.#position) this.#pending.set(e.seq, e);
    this.#wake();
  }

  /** Something was committed up to `seq` (NOTIFY from a hub), or unknown (poll): read the log. */
  nudge(seq?: number): void {
    if (seq !== undefined && seq <= this.#position) return;
    this.#readUpTo = Math.max(this.#readUpTo, seq ?? Infinity);
    this.#wake();
  }

  /** Resolves once the feed has delivered `seq` (or after `timeoutMs`, with false). */
  async reach(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.#position >= seq) return true;
    this.nudge(seq);
    return new Promise<boolean>((resolve) => {
      const w = { seq, resolve: () => { clearTimeout(timer); resolve(true); } };
      const timer = setTimeout(() => { this.#waiters.delete(w); resolve(this.#position >= seq); }, timeoutMs);
      this.#waiters.add(w);
    });
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#poll) clearInterval(this.#poll);
    await this.#running;
  }

  #wake(): void {
    if (this.#isClosed) return;
    if (this.#running) {
      this.#isAgain = true;
      return;
    }
    this.#running = this.#drain()
      .catch((err) => { this.opts.log.error({ err }, 'event feed read failed; the poll retries'); })
      .finally(() => {
        this.#running = null;
        if (this.#isAgain) {
          this.#isAgain = false;
          this.#wake();
        }
      });
  }

  async #drain(): Promise<void> {
    for (;;) {
      let batch = this.#takeContiguous();
      let upTo = batch.at(-1)?.seq ?? this.#position;
      // A NOTIFY for our own commit usually finds the bus already delivered it: no read then.
      if (batch.length === 0 && (this.#readUpTo > this.#position || this.#pending.size > 0)) {
        const wanted = this.#readUpTo;
        this.#readUpTo = 0;
        const read = await readLogAfter(this.opts.db, this.opts.log, this.#position, PAGE);
        batch = read.events;
        upTo = read.lastSeq;
        if (read.rows === PAGE) this.#readUpTo = Infinity;
        // Not all of it visible yet (cannot happen after a NOTIFY, which comes on commit): read again, unless nothing came.
        else if (read.rows && wanted !== Infinity && wanted > upTo) this.#readUpTo = Math.max(this.#readUpTo, wanted);
        for (const seq of this.#pending.keys()) if (seq <= upTo) this.#pending.delete(seq);
      }
      if (upTo <= this.#position || this.#isClosed) return;
      this.#position = upTo;
      this.opts.deliver(batch, this.#position);
      for (const w of this.#waiters) if (this.#position >= w.seq) { this.#waiters.delete(w); w.resolve(); }
    }
  }

  #takeContiguous(): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (let next = this.#position + 1; this.#pending.has(next); next++) {
      out.push(this.#pending.get(next)!);
      this.#pending.delete(next);
    }
    for (const seq of this.#pending.keys()) if (seq <= this.#position) this.#pending.delete(seq);
    return out;
  }
}
