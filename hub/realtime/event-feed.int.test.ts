import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client.js';
import { migratedPgliteClone } from '../../test/support/databases.js';
import type { DomainEvent, LoggedEvent } from '../contracts/domain-events.js';
import { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { createLogger } from '../platform/logger.js';
import { EventFeed } from './event-feed.js';

const created = (n: number): DomainEvent => ({
  type: 'request.created',
  data: {
    id: crypto.randomUUID(), number: `SR-${String(n).padStart(6, '0')}`, type: 'request', channel: 'web', priority: 'normal', status: 'new',
    subject: `s${n}`, teamId: null, assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version: 1,
    responseDueAt: null, resolutionDueAt: null, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  },
});

describe('EventFeed', () => {
  let h: DbHandle;
  beforeAll(async () => { h = await openDb({ pglite: await migratedPgliteClone() }); });
  afterAll(async () => { await h?.close(); });

  const start = async () => {
    const got: LoggedEvent[] = [];
    const positions: number[] = [];
    const feed = new EventFeed({ db: h.db, log: createLogger('silent'), pollMs: 60_000, deliver: (events, upTo) => { got.push(...events); positions.push(upTo); } });
    await feed.start();
    return { feed, got, positions };
  };
  // A bus nobody listens to: the feed hears of commits only as the test says.
  const commit = async (events: DomainEvent[]) => {
    const logged: LoggedEvent[] = [];
    const bus = new EventBus();
    bus.subscribe((e) => logged.push(...e));
    await commitWithEvents(h.db, bus, async (_tx, emit) => { for (const e of events) emit(e); });
    return logged;
  };

  it('delivers local commits in seq order even when they are published out of order', async () => {
    const { feed, got } = await start();
    const first = await commit([created(1), created(2)]);
    const second = await commit([created(3)]);
    feed.offer(second);
    feed.offer(first);
    await expect.poll(() => got.map((e) => e.seq)).toEqual([...first, ...second].map((e) => e.seq));
    await feed.close();
  });

  it('reads from the log what it never heard of (another hub\'s commit), before what it did', async () => {
    const { feed, got } = await start();
    const elsewhere = await commit([created(4), created(5)]);
    const local = await commit([created(6)]);
    feed.offer(local);
    await expect.poll(() => got.map((e) => e.seq)).toEqual([...elsewhere, ...local].map((e) => e.seq));
    await feed.close();
  });

  it('catches up on a nudge (NOTIFY) and on reach(), and never delivers a seq twice', async () => {
    const { feed, got, positions } = await start();
    const elsewhere = await commit([created(7)]);
    feed.nudge(elsewhere[0]!.seq);
    await expect.poll(() => got.map((e) => e.seq)).toEqual([elsewhere[0]!.seq]);
    const more = await commit([created(8), created(9)]);
    expect(await feed.reach(more[1]!.seq, 5000)).toBe(true);
    feed.offer(more);
    feed.nudge();
    await expect.poll(() => feed.position).toBe(more[1]!.seq);
    expect(got.map((e) => e.seq)).toEqual([...elsewhere, ...more].map((e) => e.seq));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    await feed.close();
  });
});
