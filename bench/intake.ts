import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { createPglite, openDb, type DbHandle } from '../db/client.js';
import { migratePgliteClient, migratePostgresUrl } from '../db/migrate.js';
import type { IntakeEventInput } from '../hub/contracts/intake-event.js';
import { EventBus } from '../hub/events/bus.js';
import { IntakePipeline } from '../hub/intake/pipeline.js';
import { createLogger } from '../hub/platform/logger.js';
import { percentile, type BenchResult } from './lib.js';

/**
 * Intake throughput: N web/email events (each opens a request: identify, route, SLA, timeline,
 * timers, numbered events) submitted with C in flight, through the group-commit pipeline and,
 * in the same run for comparison, with one transaction per event (maxBatch 1).
 * Args: --events N (default 4000) --concurrency C (default 200) --pg URL (default local test server).
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const events = Number(opt('events', '4000'));
  const concurrency = Number(opt('concurrency', '200'));
  const pgUrl = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const rows: BenchResult['rows'] = [];
  for (const driver of ['postgres', 'pglite'] as const) {
    for (const maxBatch of [256, 1]) {
      const { handle, drop } = driver === 'postgres' ? await freshPostgres(pgUrl) : await freshPglite();
      try {
        rows.push({ driver, mode: maxBatch === 1 ? 'commit per event' : 'group commit', ...(await measure(handle, driver, maxBatch, events, concurrency)) });
      } finally {
        await handle.close();
        await drop();
      }
    }
  }
  const ratio = (d: string) => {
    const g = rows.find((r) => r.driver === d && r.mode === 'group commit')!;
    const s = rows.find((r) => r.driver === d && r.mode === 'commit per event')!;
    return (Number(g['events/s']) / Number(s['events/s'])).toFixed(1);
  };
  return {
    name: 'intake', rows,
    notes: [`${events} events, ${concurrency} in flight; group commit vs commit per event: PostgreSQL ×${ratio('postgres')}, PGlite ×${ratio('pglite')}`],
  };
}

async function measure(handle: DbHandle, driver: string, maxBatch: number, total: number, concurrency: number) {
  const bus = new EventBus();
  const pipeline = new IntakePipeline({ db: handle.db, bus, log: createLogger('silent'), maxBatch, maxInFlight: driver === 'postgres' ? 2 : 1 });
  const latencies: number[] = [];
  let next = 0;
  const make = (i: number): IntakeEventInput => ({
    channel: i % 2 ? 'email' : 'web', receivedAt: new Date(), actor: { type: 'customer' }, sourceKey: `bench-${i}`,
    subject: `Störung ${i}`, description: 'Gerät zeigt E101', contact: { email: `kunde${i % 500}@example.com` },
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await pipeline.submit(make(i));
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await pipeline.close();
  latencies.sort((a, b) => a - b);
  return {
    'events/s': Math.round(total / seconds), 'p50 ms': percentile(latencies, 50), 'p99 ms': percentile(latencies, 99),
    'rss MB': Math.round(process.memoryUsage().rss / 2 ** 20),
  };
}

export async function freshPostgres(adminUrl: string) {
  const name = `hub_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  await migratePostgresUrl(u.toString());
  const handle = await openDb({ databaseUrl: u.toString(), maxConnections: 10 });
  return {
    handle, url: u.toString(),
    drop: async () => { await admin.unsafe(`drop database if exists "${name}" with (force)`); await admin.end(); },
  };
}

async function freshPglite() {
  const client = await createPglite();
  await migratePgliteClient(client);
  return { handle: await openDb({ pglite: client }), drop: async () => {} };
}
