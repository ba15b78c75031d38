import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client.js';
import { auditLog, domainEvents } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { migratedPgliteClone } from '../../test/support/databases.js';
import { EventBus } from './bus.js';
import { commitWithEvents } from './unit-of-work.js';

const summary = (id: string) => ({
  id, number: 'SR-000001', type: 'request', channel: 'web', priority: 'normal', status: 'new', subject: 's', teamId: null,
  assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version: 1, responseDueAt: null, resolutionDueAt: null,
  createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
}) as const;

describe('transactional reactors', () => {
  let h: DbHandle;
  beforeAll(async () => { h = await openDb({ pglite: await migratedPgliteClone() }); });
  afterAll(async () => { await h?.close(); });

  it('write in the transaction that logs the events, and see them numbered', async () => {
    const bus = new EventBus();
    const seen: LoggedEvent[] = [];
    bus.addTxReactor(async (tx, events) => {
      seen.push(...events);
      await tx.insert(auditLog).values({ actorType: 'system', action: 'react', entity: 'test', entityId: String(events[0]!.seq) });
    });
    const id = '00000000-0000-4000-8000-000000000001';
    await commitWithEvents(h.db, bus, async (_tx, emit) => { emit({ type: 'request.created', data: summary(id) }); });
    expect(seen).toHaveLength(1);
    const rows = await h.db.select().from(auditLog).where(eq(auditLog.entity, 'test'));
    expect(rows.map((r) => r.entityId)).toEqual([String(seen[0]!.seq)]);
  });

  it('roll the change back with them when a reactor fails, and publish nothing', async () => {
    const bus = new EventBus();
    const published: LoggedEvent[] = [];
    bus.subscribe((evs) => published.push(...evs));
    bus.addTxReactor(async () => { throw new Error('outbox unavailable'); });
    const id = '00000000-0000-4000-8000-000000000002';
    const before = await h.db.$count(domainEvents);
    await expect(commitWithEvents(h.db, bus, async (_tx, emit) => { emit({ type: 'request.created', data: summary(id) }); }))
      .rejects.toThrow('outbox unavailable');
    expect(await h.db.$count(domainEvents)).toBe(before);
    expect(published).toEqual([]);
  });
});
