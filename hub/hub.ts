import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { createAdaptorServer } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createPglite, openDb, type DbHandle } from '../db/client.js';
import { migratePgliteClient, migratePostgresUrl } from '../db/migrate.js';
import { AuthService } from './auth/service.js';
import type { Config } from './config.js';
import { jobRegistry, type JobRegistryType } from './contracts/jobs.js';
import { EventBus } from './events/bus.js';
import { backfillSearch } from './search/backfill.js';
import { indexFromEvents } from './search/indexer.js';
import { pruneEvents } from './events/event-log.js';
import { createApp } from './http/app.js';
import { IntakePipeline } from './intake/pipeline.js';
import { AlarmStage } from './alarms/stage.js';
import { pruneAlarmHistory } from './alarms/retention.js';
import { recordDeadLetters } from './alarms/dead-letters.js';
import { DeviceService } from './devices/service.js';
import type { MqttHubServices } from '../connectors/mqtt/handle.js';
import { startEmbeddedBroker } from '../connectors/mqtt/embedded.js';
import { startSubscriberPool } from '../connectors/mqtt/subscriber.js';
import { startDynsec } from '../connectors/mqtt/dynsec.js';
import { createBullmqJobRunner } from './platform/jobs/bullmq.js';
import { createInProcessJobRunner } from './platform/jobs/in-process.js';
import { createBullmqSessions } from './platform/sessions/bullmq.js';
import type { JobRunner } from './platform/jobs/port.js';
import { listenWithFallback } from './platform/listen.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { fireSlaTimer } from './sla/breach.js';
import { generateMaintenance } from './maintenance/generate.js';
import { activeAlarmsOfCaller } from './alarms/caller-alarms.js';
import { createMailModule, type MailModule } from './mail/module.js';
import { createPortalModule, type PortalModule } from './portal/module.js';
import { verifyTrackingToken } from './portal/tracking.js';
import { startRealtime, type Realtime } from './realtime/server.js';
import { TIMER_HORIZON_MS, TimerService, type TimerRef } from './timers/timers.js';

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
  alarms: AlarmStage;
  devices: DeviceService;
  /** embedded: the broker's port (MQTT_PORT=0 picks a free one); external: null */
  mqttPort: number | null;
  /** what the MQTT side is: the embedded broker, or subscriber connections to MQTT_URL */
  mqtt: { kind: 'embedded'; port: number } | { kind: 'external'; connections: number };
  auth: AuthService;
  timers: TimerService;
  metrics: Metrics;
  mail: MailModule;
  portal: PortalModule;
  app: ReturnType<typeof createApp>;
  server: Server | null;
  /** socket.io on the HTTP server (null without a listener) */
  realtime: Realtime | null;
  httpPort: number | null;
  firstAdmin: { email: string; password?: string } | null;
  close(): Promise<void>;
}


export async function startHub(config: Config, opts: HubOptions): Promise<Hub> {
  const log = opts.log;
  const dbHandle = await openDatabase(config, opts);
  const db = dbHandle.db;
  const metrics = createMetrics();
  const bus = new EventBus((err) => log.error({ err }, 'event listener failed'));
  bus.addTxReactor(indexFromEvents);
  const jobs: JobRunner<JobRegistryType> = config.redisUrl
    ? createBullmqJobRunner({ registry: jobRegistry, logger: log, redisUrl: config.redisUrl, prefix: config.queuePrefix })
    : createInProcessJobRunner({ registry: jobRegistry, logger: log });
  const timers = new TimerService(db, jobs, log);
  // After a batch commits: far deadlines stay in the database until the sweep brings them within
  // the horizon; the near ones go on the queue together (ioredis pipelines the adds), so the
  // batch's slot is not held for a round trip per timer.
  const armSoon = async (ts: TimerRef[]) => {
    const horizon = Date.now() + TIMER_HORIZON_MS;
    await Promise.all(ts.filter((t) => t.runAt.getTime() <= horizon).map((t) => timers.arm(t)));
  };
  const pipeline = new IntakePipeline({
    db, bus, log, metrics, maxInFlight: dbHandle.driver === 'postgres' ? 2 : 1, armTimers: armSoon,
  });
  const auth = new AuthService(db, { sessionHours: config.sessionHours });
  const alarms = new AlarmStage({
    db, bus, log, metrics, flapWindowMs: config.alarms.flapWindowSeconds * 1000,
    maxInFlight: dbHandle.driver === 'postgres' ? 2 : 1, armTimers: armSoon,
  });
  const devices = new DeviceService(db, bus);
  const mqttServices: MqttHubServices = {
    submitAlarm: (ev, raw) => alarms.submitParsed(ev, raw),
    deadLetter: (d) => recordDeadLetters(db, metrics, [d]),
    verifyDevice: (id, token) => devices.verify(id, token),
    setDeviceOnline: (id, isOnline, at) => devices.setOnline(id, isOnline, at),
  };

  jobs.register('timer.fire', async ({ timerId }) => {
    await fireSlaTimer(db, bus, timers, timerId);
    metrics.jobs.inc({ name: 'timer.fire', outcome: 'done' });
  }, { concurrency: 4 });
  jobs.register('events.prune', async ({ olderThanDays }) => {
    const n = await pruneEvents(db, new Date(Date.now() - olderThanDays * 86_400_000));
    log.info({ pruned: n }, 'event log pruned');
  });
  jobs.register('alarms.prune', async ({ olderThanDays }) => {
    const n = await pruneAlarmHistory(db, new Date(Date.now() - olderThanDays * 86_400_000));
    log.info(n, 'alarm history pruned');
  });
  jobs.register('timers.sweep', async () => {
    const n = await timers.armDue();
    log.debug({ count: n }, 'timers due soon armed');
  });
  // With Redis, a mailbox's IMAP session runs on one hub at a time (BullMQ, global concurrency 1).
  const sessions = config.redisUrl
    ? createBullmqSessions({ redisUrl: config.redisUrl, prefix: config.queuePrefix, log, sessionMs: config.scale.imapSessionMs })
    : undefined;
  const mail = createMailModule({ db, bus, jobs, log, config, pipeline, metrics, sessions });
  jobs.register('maintenance.generate', async () => {
    await generateMaintenance(db, bus, log);
  });
  await jobs.start();
  await mail.schedule();
  await jobs.schedule('events.prune', { pattern: '17 3 * * *' }, 'events.prune', { olderThanDays: config.eventRetentionDays });
  await jobs.schedule('alarms.prune', { pattern: '37 3 * * *' }, 'alarms.prune', { olderThanDays: config.alarms.historyDays });
  await jobs.schedule('timers.sweep', { everyMs: 60_000 }, 'timers.sweep', {});
  // Hourly, and once at start: a plan that came due while no hub ran gets its order now.
  await jobs.schedule('maintenance.generate', { everyMs: 3_600_000 }, 'maintenance.generate', {});
  await jobs.enqueue('maintenance.generate', {}, { jobId: 'maintenance.generate:start' });
  await timers.rebuild();

  // Demo data first: its admin is then the first admin, and no random one is made beside it.
  if (opts.seed) await opts.seed(db, log);
  // rows written before the index existed, or around the write path (seed, bulk loads)
  const indexed = await backfillSearch(db);
  if (indexed) log.info({ indexed }, 'search index backfilled');
  const firstAdmin = await auth.ensureFirstAdmin(config.admin);

  const portal = createPortalModule({ db, bus, pipeline, mail, config, log, metrics });
  const draining = { isOn: false };
  // MQTT_DYNSEC: Mosquitto's dynamic-security plugin learns each device's credentials from the hub.
  const dynsec = config.scale.isDynsec && config.mqtt.url ? await startDynsec({ url: config.mqtt.url, hubId: config.hubId, log }) : null;
  const app = createApp({
    db, bus, auth, portal, pipeline, log, metrics, mail, consoleDir: opts.consoleDir, mqtt: mqttServices, brokerAuth: dynsec ?? undefined,
    brokerHttpAuth: config.scale.brokerHttpAuthSecret ? { secret: config.scale.brokerHttpAuthSecret, hubUser: mqttUser(config.mqtt.url) } : undefined, dataDir: config.dataDir, activeAlarms: activeAlarmsOfCaller,
    isSecureCookie: config.publicUrl?.startsWith('https:') ?? false,
    readiness: {
      accepting: async () => { if (draining.isOn) throw new Error('shutting down'); },
      database: async () => { await db.execute(sql`select 1`); },
      jobs: () => jobs.ping(),
    },
  });

  let server: Server | null = null;
  let httpPort: number | null = null;
  if (!opts.isHttpOff) {
    server = createAdaptorServer({ fetch: (req: Request, env: unknown) => draining.isOn && new URL(req.url).pathname !== '/healthz'
      && new URL(req.url).pathname !== '/readyz' ? shuttingDown() : app.fetch(req, env) }) as Server;
    try {
      httpPort = await listenWithFallback(server, { port: config.http.port, isExplicit: config.http.isPortExplicit, variable: 'PORT' });
    } catch (err) {
      // Release what start-up opened, so the process can exit with the message.
      await portal.close().catch(() => {});
      await dynsec?.close().catch(() => {});
      await jobs.close().catch(() => {});
      await dbHandle.close().catch(() => {});
      throw err;
    }
  }

  let mqtt: Hub['mqtt'];
  let closeMqtt: () => Promise<void>;
  let mqttDrain: () => Promise<void> = async () => {};
  try {
    if (config.mqtt.url) {
      const pool = await startSubscriberPool(mqttServices, { url: config.mqtt.url, hubId: config.hubId, connections: config.alarms.subscribers, maxPending: config.alarms.maxPending, log });
      mqtt = { kind: 'external', connections: pool.connections };
      closeMqtt = () => pool.close();
      mqttDrain = () => pool.drain();
    } else {
      const broker = await startEmbeddedBroker(mqttServices, { port: config.mqtt.port, isPortExplicit: config.mqtt.isPortExplicit, maxPending: config.alarms.maxPending, log });
      mqtt = { kind: 'embedded', port: broker.port };
      closeMqtt = () => broker.close();
    }
  } catch (err) {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await portal.close().catch(() => {});
    await dynsec?.close().catch(() => {});
    await jobs.close().catch(() => {});
    await dbHandle.close().catch(() => {});
    throw err;
  }

  const realtime = server ? await startRealtime({
    server, db, driver: dbHandle.driver, databaseUrl: config.databaseUrl, redisUrl: config.redisUrl,
    redisPrefix: config.queuePrefix, bus, auth, log, registry: metrics.registry,
    verifyTracking: (token) => verifyTrackingToken(mail.secrets, token),
  }) : null;

  // Graceful shutdown (SIGTERM): readiness fails and new HTTP requests get 503 at once, so the
  // load balancer moves on; intake stops (MQTT messages stay unacknowledged in this hub's broker
  // session, IMAP sessions hand over); what was taken commits and is acknowledged; then sockets
  // close (consoles reconnect to another hub and replay from the event log) and connections end.
  let closing: Promise<void> | null = null;
  const close = () => closing ??= (async () => {
    draining.isOn = true;
    const intakeStopped = Promise.all([mqttDrain(), mail.intake.close()]);
    await alarms.close();
    await pipeline.close();
    await intakeStopped;
    await closeMqtt();
    await dynsec?.close();
    await realtime?.close();
    // The listener answered 503 meanwhile (a health check sees the hub leave); in-flight
    // requests have had the intake's time to finish: cut what is left.
    if (server) {
      const httpDone = new Promise<void>((resolve) => { server!.close(() => resolve()); server!.closeIdleConnections?.(); });
      await Promise.race([httpDone, new Promise((r) => setTimeout(r, 1000).unref())]);
      server.closeAllConnections?.();
    }
    await jobs.close();
    await mail.close();
    await portal.close();
    await dbHandle.close();
  })();

  return {
    config, db, dbHandle, bus, jobs, pipeline, alarms, devices, mqtt, mqttPort: mqtt.kind === 'embedded' ? mqtt.port : null,
    auth, timers, metrics, mail, portal, app, server, realtime, httpPort, firstAdmin, close,
  };
}

/** MQTT_URL's user, which the HTTP broker auth treats as the hub's own superuser */
function mqttUser(url: string | undefined): { username: string; password: string } | undefined {
  if (!url) return undefined;
  const u = new URL(url);
  return u.username ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : undefined;
}

function shuttingDown(): Response {
  return Response.json({ error: { code: 'UNAVAILABLE', message: 'this hub is shutting down; retry (another hub takes over)' } },
    { status: 503, headers: { 'retry-after': '1', connection: 'close' } });
}

async function openDatabase(config: Config, opts: HubOptions): Promise<DbHandle> {
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    return openDb({ databaseUrl: config.databaseUrl });
  }
  if (opts.pglite) return openDb({ pglite: opts.pglite });
  mkdirSync(config.pgliteDir, { recursive: true });
  const client = await createPglite(config.pgliteDir);
  await migratePgliteClient(client);
  return openDb({ pglite: client, dataDir: config.pgliteDir });
}
