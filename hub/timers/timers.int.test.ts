import { and, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { serviceRequests, timelineEntries, timers } from '../../db/schema/index.js';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { loadConfig } from '../config.js';
import { startHub, type Hub } from '../hub.js';
import { createLogger } from '../platform/logger.js';
import { openDb } from '../../db/client.js';
import { createTestDatabase, uniquePrefix } from '../../test/support/databases.js';
import { TEST_REDIS_URL } from '../../test/support/env.js';
import { SLA, makeAsset, makeContract, makeCustomer } from '../../test/support/factories.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

function nextEvent(hub: Hub, type: LoggedEvent['type']): Promise<LoggedEvent> {
  return new Promise((resolve) => {
    const off = hub.bus.subscribe((events) => {
      const e = events.find((x) => x.type === type);
      if (e) { off(); resolve(e); }
    });
  });
}

describe.each([['in-process', false], ['bullmq', true]] as const)('durable timers with the %s job runner', (_, isRedis) => {
  const start = async (url: string, queuePrefix: string) => {
    const hub = await startHub(loadConfig({
      DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, HUB_QUEUE_PREFIX: queuePrefix,
      ...(isRedis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    }), { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), isHttpOff: true });
    cleanups.push(() => hub.close());
    return hub;
  };

  it('announces an SLA breach when nobody answered in time', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const hub = await start(database.url, uniquePrefix('q'));
    const customer = await makeCustomer(hub.db);
    // A response time of ~1 s of round-the-clock business hours (no team: always open).
    const contract = await makeContract(hub.db, customer.id, { sla: { ...SLA, normal: { responseHours: 1 / 3600, resolutionHours: 1 } } });
    const asset = await makeAsset(hub.db, { customerId: customer.id, contractId: contract.id });
    const breached = nextEvent(hub, 'sla.breached');
    const r = await hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, assetId: asset.id, subject: 'Bitte zurückrufen' });
    const event = await breached;
    expect(event).toMatchObject({ type: 'sla.breached', data: { clock: 'response', request: { id: r.requestId } } });
    const [entry] = await hub.db.select().from(timelineEntries).where(eq(timelineEntries.kind, 'sla'));
    expect(entry).toMatchObject({ requestId: r.requestId, actorType: 'system', data: { clock: 'response' } });
    const [timer] = await hub.db.select().from(timers).where(eq(timers.key, `sla:response:${r.requestId}`));
    expect(timer!.firedAt).not.toBeNull();
  });

  it('fires a timer that came due while no hub was running, after the next start', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const prefix = uniquePrefix('q');
    const first = await start(database.url, prefix);
    const r = await first.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Vor dem Neustart' });
    await first.close();
    // While no hub runs, the response deadline passes.
    const offline = await openDb({ databaseUrl: database.url, maxConnections: 1 });
    const past = new Date(Date.now() - 5_000);
    await offline.db.update(serviceRequests).set({ responseDueAt: past }).where(eq(serviceRequests.id, r.requestId!));
    await offline.db.update(timers).set({ runAt: past }).where(eq(timers.key, `sla:response:${r.requestId}`));
    await offline.close();
    const second = await start(database.url, prefix);
    await vi.waitFor(async () => {
      const [entry] = await second.db.select().from(timelineEntries)
        .where(and(eq(timelineEntries.requestId, r.requestId!), eq(timelineEntries.kind, 'sla')));
      expect(entry?.data).toMatchObject({ clock: 'response' });
    }, { timeout: 15_000, interval: 100 });
  });

  it('keeps far deadlines off the queue until they come within the horizon', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const hub = await start(database.url, uniquePrefix('q'));
    const r = await hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Später' });
    const soon = new Date(Date.now() + 5 * 60_000);
    await hub.db.update(timers).set({ runAt: new Date(Date.now() + 30 * 86_400_000) }).where(sql`${timers.key} like ${`sla:%:${r.requestId}`}`);
    expect(await hub.timers.armDue()).toBe(0);
    await hub.db.update(timers).set({ runAt: soon }).where(eq(timers.key, `sla:response:${r.requestId}`));
    expect(await hub.timers.armDue()).toBe(1);
  });

  it('fires a timer once even when two copies of its job run', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const hub = await start(database.url, uniquePrefix('q'));
    const r = await hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Doppelt' });
    await hub.db.update(serviceRequests).set({ responseDueAt: new Date(Date.now() - 1000) }).where(eq(serviceRequests.id, r.requestId!));
    const [timer] = await hub.db.update(timers).set({ runAt: new Date(Date.now() - 1000) }).where(eq(timers.key, `sla:response:${r.requestId}`)).returning();
    let fired = 0;
    await Promise.all([1, 2, 3].map(() => hub.timers.fire(timer!.id, async () => { fired++; })));
    expect(fired).toBe(1);
    const rows = await hub.db.select({ n: sql<number>`count(*)::int` }).from(timers).where(sql`${timers.id} = ${timer!.id} and ${timers.firedAt} is not null`);
    expect(rows[0]!.n).toBe(1);
  });

  it('leaves a timer pending when its action does not commit (a hub dying mid-action loses nothing)', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const hub = await start(database.url, uniquePrefix('q'));
    const r = await hub.pipeline.submit({ channel: 'web', receivedAt: new Date(), actor: { type: 'customer' }, subject: 'Abbruch' });
    const [timer] = await hub.db.update(timers).set({ runAt: new Date(Date.now() - 1000) }).where(eq(timers.key, `sla:response:${r.requestId}`)).returning();
    await expect(hub.timers.fire(timer!.id, async () => { throw new Error('hub gone'); })).rejects.toThrow('hub gone');
    const [after] = await hub.db.select().from(timers).where(eq(timers.id, timer!.id));
    expect(after!.firedAt).toBeNull();
    let fired = 0;
    await hub.timers.fire(timer!.id, async () => { fired++; });
    expect(fired).toBe(1);
  });
});
