import type { Tx } from '../../db/client.js';
import { pipelined } from '../../db/pipelined.js';
import type { LoggedEvent } from '../contracts/domain-events.js';

export type EventListener = (events: LoggedEvent[]) => void;
/**
 * Runs inside the transaction that logged the events, before it commits: for effects that must
 * commit with the change or not at all (the mail outbox). A reactor that throws rolls the
 * transaction back, so it must only fail when the change itself must fail. Reactors run at
 * once, so one must not depend on another's writes.
 */
export type TxReactor = (tx: Tx, events: LoggedEvent[]) => Promise<void>;

/**
 * In-process fan-out of committed events (realtime, jobs subscribe here). Publishing happens
 * only after commit; a listener that throws does not stop the others. Transactional reactors
 * run before commit, from the one place events are logged (`logEvents`).
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();
  readonly #reactors = new Set<TxReactor>();
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addTxReactor(reactor: TxReactor): () => void {
    this.#reactors.add(reactor);
    return () => this.#reactors.delete(reactor);
  }

  async react(tx: Tx, events: LoggedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // independent of each other (the outbox, the search index): their statements share round trips
    await pipelined(...[...this.#reactors].map((reactor) => reactor(tx, events)));
  }

  publish(events: LoggedEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
