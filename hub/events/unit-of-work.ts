import type { Db, Tx } from '../../db/client.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { EventBus } from './bus.js';
import { appendEvents } from './event-log.js';

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
    return { result, logged: await appendEvents(tx, events) };
  });
  bus.publish(logged);
  return result;
}
