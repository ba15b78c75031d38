import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../db/client.js';
import { migrationsFolder } from '../db/migrate.js';
import { serviceRequests, users } from '../db/schema/index.js';
import { loadConfig } from '../hub/config.js';
import { EventBus } from '../hub/events/bus.js';
import { appendEvents, readEventsAfter } from '../hub/events/event-log.js';
import { startHub, type Hub } from '../hub/hub.js';
import { createLogger } from '../hub/platform/logger.js';
import { createEmptyDatabase, createTestDatabase, uniquePrefix } from './support/databases.js';
import { makeAsset } from './support/factories.js';

const log = createLogger('silent');
const migrationCount = () => (JSON.parse(readFileSync(new URL('../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }).entries.length;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

const hubConfig = (url: string, extra: Record<string, string> = {}) => loadConfig({
  DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, ...extra,
});

describe('the event log under concurrent writers', () => {
  it('numbers events in commit order: a reader tailing "after N" never sees a gap filled later', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    // Two separate pools, as two hubs would have.
    const writers = [await openDb({ databaseUrl: database.url, maxConnections: 6 }), await openDb({ databaseUrl: database.url, maxConnections: 6 })];
    const reader = await openDb({ databaseUrl: database.url, maxConnections: 1 });
    cleanups.push(async () => { for (const w of [...writers, reader]) await w.close(); });

    const TX_PER_WORKER = 25;
    const WORKERS = 10;
    let isDone = false;
    const seen: number[] = [];
    const tail = (async () => {
      let cursor = 0;
      while (!isDone || cursor < TX_PER_WORKER * WORKERS * 2) {
        // Read "done" before the query: an empty read that began before the last commit proves nothing.
        const wasDone = isDone;
        const events = await readEventsAfter(reader.db, cursor, 1000);
        for (const e of events) {
          // Every read continues exactly where the last one ended: no event appears behind the cursor later.
          expect(e.seq).toBe(cursor + 1);
          cursor = e.seq;
          seen.push(e.seq);
        }
        if (wasDone && events.length === 0) break;
      }
    })();
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => (async () => {
      const { db } = writers[w % 2]!;
      for (let i = 0; i < TX_PER_WORKER; i++) {
        await db.transaction(async (tx) => {
          // Work of varying length before the numbers are taken, so transactions overlap.
          await tx.execute(sql`select pg_sleep(${Math.random() / 200})`);
          const summary = {
            id: crypto.randomUUID(), number: 'SR-000001', type: 'request', channel: 'web', priority: 'normal', status: 'new', subject: `w${w}-${i}`,
            teamId: null, assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version: 1,
            responseDueAt: null, resolutionDueAt: null, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
          } as const;
          await appendEvents(tx, [
            { type: 'request.created', data: summary },
            { type: 'request.updated', data: { request: summary, changed: ['status'] } },
          ]);
          await tx.execute(sql`select pg_sleep(${Math.random() / 500})`);
        });
      }
    })()));
    isDone = true;
    await tail;
    expect(seen).toHaveLength(TX_PER_WORKER * WORKERS * 2);
    expect(seen.at(-1)).toBe(TX_PER_WORKER * WORKERS * 2);
  });
});

describe('hubs starting together', () => {
  it('migrate one empty database once, without racing, and create one first admin', async () => {
    const database = await createEmptyDatabase();
    cleanups.push(database.drop);
    const hubs = await Promise.all([1, 2, 3].map(() => startHub(hubConfig(database.url), { log, isHttpOff: true })));
    cleanups.push(async () => { for (const h of hubs) await h.close(); });
    const sqlc = postgres(database.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => sqlc.end());
    const migrations = await sqlc`select count(*)::int as n from drizzle.__drizzle_migrations`;
    // Each migration applied exactly once, however many hubs ran the migrator.
    expect(migrations[0]!.n).toBe(JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')).entries.length);
    const admins = await hubs[0]!.db.select().from(users).where(eq(users.role, 'admin'));
    expect(admins).toHaveLength(1);
    // Exactly one hub may print a password: the one whose insert landed.
    expect(hubs.filter((h) => h.firstAdmin?.password)).toHaveLength(1);
  });

  it('do not open two requests when an email and a form about one unit reach two hubs at once', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const hubs: Hub[] = await Promise.all([1, 2].map(() => startHub(hubConfig(database.url), { log, isHttpOff: true })));
    cleanups.push(async () => { for (const h of hubs) await h.close(); });
    for (let round = 0; round < 10; round++) {
      const asset = await makeAsset(hubs[0]!.db);
      const results = await Promise.all(hubs.flatMap((h, i) => [0, 1].map((k) => h.pipeline.submit({
        channel: k ? 'web' : 'email', receivedAt: new Date(), actor: { type: 'customer' }, assetId: asset.id, subject: `hub ${i} message ${k}`,
      }))));
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
      const rows = await hubs[1]!.db.select().from(serviceRequests).where(eq(serviceRequests.assetId, asset.id));
      expect(rows).toHaveLength(1);
    }
  });
});

describe('bus', () => {
  it('keeps publishing when a listener throws', () => {
    const errors: unknown[] = [];
    const bus = new EventBus((e) => errors.push(e));
    const got: number[] = [];
    bus.subscribe(() => { throw new Error('boom'); });
    bus.subscribe((events) => got.push(...events.map((e) => e.seq)));
    bus.publish([{ seq: 7, rooms: [], committedAt: '', type: 'request.timeline_added', data: {} as never }]);
    expect(got).toEqual([7]);
    expect(errors).toHaveLength(1);
  });
});
