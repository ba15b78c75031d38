import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createAdaptorServer } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { openDb, type DbHandle } from '../db/client.js';
import { migratePgliteClient, migratePostgresUrl } from '../db/migrate.js';
import { AuthService } from './auth/service.js';
import type { Config } from './config.js';
import { jobRegistry, type JobRegistryType } from './contracts/jobs.js';
import { EventBus } from './events/bus.js';
import { pruneEvents } from './events/event-log.js';
import { createApp } from './http/app.js';
import { IntakePipeline } from './intake/pipeline.js';
import { createBullmqJobRunner } from './platform/jobs/bullmq.js';
import { createInProcessJobRunner } from './platform/jobs/in-process.js';
import type { JobRunner } from './platform/jobs/port.js';
import { listenWithFallback } from './platform/listen.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { checkSlaBreach } from './sla/breach.js';
import { TIMER_HORIZON_MS, TimerService } from './timers/timers.js';

export interface HubOptions {
  log: Logger;
  /** built console to serve at / */
  consoleDir?: string;
  /** tests: an already migrated PGlite */
  pglite?: PGlite;
  /** tests: skip the HTTP listener (use hub.app.request) */
  isHttpOff?: boolean;
  /** loads demo data after migrations (npm start -- --demo, npm run seed) */
  seed?: (db: DbHandle['db'], log: Logger) => Promise<void>;
}

export interface Hub {
  config: Config;
  db: DbHandle['db'];
  dbHandle: DbHandle;
  bus: EventBus;
  jobs: JobRunner<JobRegistryType>;
  pipeline: IntakePipeline;
  auth: AuthService;
  timers: TimerService;
  metrics: Metrics;
  app: ReturnType<typeof createApp>;
  server: Server | null;
  httpPort: number | null;
  firstAdmin: { email: string; password?: string } | null;
  close(): Promise<void>;
}

const EVENT_RETENTION_DAYS = 30;

export async function startHub(config: Config, opts: HubOptions): Promise<Hub> {
  const log = opts.log;
  const dbHandle = await openDatabase(config, opts);
  const db = dbHandle.db;
  const metrics = createMetrics();
  const bus = new EventBus((err) => log.error({ err }, 'event listener failed'));
  const jobs: JobRunner<JobRegistryType> = config.redisUrl
    ? createBullmqJobRunner({ registry: jobRegistry, logger: log, redisUrl: config.redisUrl, prefix: config.queuePrefix })
    : createInProcessJobRunner({ registry: jobRegistry, logger: log });
  const timers = new TimerService(db, jobs, log);
  const pipeline = new IntakePipeline({
    db, bus, log, metrics, maxInFlight: dbHandle.driver === 'postgres' ? 2 : 1,
    // Far deadlines stay in the database until the sweep brings them within the horizon.
    armTimers: async (ts) => {
      for (const t of ts) if (t.runAt.getTime() <= Date.now() + TIMER_HORIZON_MS) await timers.arm(t);
    },
  });
  const auth = new AuthService(db, { sessionHours: config.sessionHours });

  jobs.register('timer.fire', async ({ timerId }) => {
    await timers.fire(timerId, (action) => checkSlaBreach(db, bus, action));
    metrics.jobs.inc({ name: 'timer.fire', outcome: 'done' });
  }, { concurrency: 4 });
  jobs.register('events.prune', async ({ olderThanDays }) => {
    const n = await pruneEvents(db, new Date(Date.now() - olderThanDays * 86_400_000));
    log.info({ pruned: n }, 'event log pruned');
  });
  jobs.register('timers.sweep', async () => {
    const n = await timers.armDue();
    log.debug({ count: n }, 'timers due soon armed');
  });
  await jobs.start();
  await jobs.schedule('events.prune', { pattern: '17 3 * * *' }, 'events.prune', { olderThanDays: EVENT_RETENTION_DAYS });
  await jobs.schedule('timers.sweep', { everyMs: 60_000 }, 'timers.sweep', {});
  await timers.rebuild();

  // Demo data first: its admin is then the first admin, and no random one is made beside it.
  if (opts.seed) await opts.seed(db, log);
  const firstAdmin = await auth.ensureFirstAdmin(config.admin);

  const app = createApp({
    db, bus, auth, pipeline, log, metrics, consoleDir: opts.consoleDir,
    isSecureCookie: config.publicUrl?.startsWith('https:') ?? false,
    readiness: {
      database: async () => { await db.execute(sql`select 1`); },
      jobs: () => jobs.ping(),
    },
  });

  let server: Server | null = null;
  let httpPort: number | null = null;
  if (!opts.isHttpOff) {
    server = createAdaptorServer({ fetch: app.fetch }) as Server;
    try {
      httpPort = await listenWithFallback(server, { port: config.http.port, isExplicit: config.http.isPortExplicit, variable: 'PORT' });
    } catch (err) {
      // Release what start-up opened, so the process can exit with the message.
      await jobs.close().catch(() => {});
      await dbHandle.close().catch(() => {});
      throw err;
    }
  }

  let closing: Promise<void> | null = null;
  const close = () => closing ??= (async () => {
    if (server) await new Promise<void>((resolve) => { server!.close(() => resolve()); server!.closeAllConnections?.(); });
    await pipeline.close();
    await jobs.close();
    await dbHandle.close();
  })();

  return { config, db, dbHandle, bus, jobs, pipeline, auth, timers, metrics, app, server, httpPort, firstAdmin, close };
}

async function openDatabase(config: Config, opts: HubOptions): Promise<DbHandle> {
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    return openDb({ databaseUrl: config.databaseUrl });
  }
  if (opts.pglite) return openDb({ pglite: opts.pglite });
  mkdirSync(config.pgliteDir, { recursive: true });
  const client = await PGlite.create({ dataDir: config.pgliteDir });
  await migratePgliteClient(client);
  return openDb({ pglite: client, dataDir: config.pgliteDir });
}
