import type { Db, Tx } from '../../db/client.js';
import type { DomainEvent, LoggedEvent } from '../contracts/domain-events.js';
import type { EventBus } from './bus.js';
import { appendEvents } from './event-log.js';

/**
 * Numbers and logs a transaction's events, then lets the bus's transactional reactors (the
 * mail outbox) write their rows in the same transaction. Call it last in the transaction.
 */
export async function logEvents(tx: Tx, bus: EventBus, events: DomainEvent[]): Promise<LoggedEvent[]> {
  const logged = await appendEvents(tx, events);
  await bus.react(tx, logged);
  return logged;
}

/**
 * Runs `fn` in a transaction; the events it emits are numbered and logged in that same
 * transaction and published only after it commits (never from a database hook).
 */
export async function commitWithEvents<T>(
  db: Db, bus: EventBus, fn: (tx: Tx, emit: (e: DomainEvent) => void) => Promise<T>,
): Promise<T> {
  const { result, logged } = await db.transaction(async (tx) => {
    const events: DomainEvent[] = [];
    const result = await fn(tx, (e) => events.push(e));
    return { result, logged: await logEvents(tx, bus, events) };
  });
  bus.publish(logged);
  return result;
}
