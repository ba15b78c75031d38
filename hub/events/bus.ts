import type { LoggedEvent } from '../contracts/domain-events.js';

export type EventListener = (events: LoggedEvent[]) => void;

/**
 * In-process fan-out of committed events (realtime, mail, jobs subscribe here). Publishing
 * happens only after commit; a listener that throws does not stop the others.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
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
