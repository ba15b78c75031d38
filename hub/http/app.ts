import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from './body-limit.js';
import { getCookie } from 'hono/cookie';
import type { Db } from '../../db/client.js';
import { SESSION_COOKIE, authRoutes } from '../auth/routes.js';
import type { AuthService } from '../auth/service.js';
import { deviceRoutes } from '../devices/routes.js';
import type { BrokerDeviceAuth } from '../devices/broker-auth.js';
import { brokerHttpAuthRoutes, type BrokerHttpAuthOptions } from '../devices/broker-http-auth.js';
import { alarmRoutes } from '../alarms/routes.js';
import type { MqttHubServices } from '../../connectors/mqtt/handle.js';
import type { EventBus } from '../events/bus.js';
import { importRoutes } from '../import/routes.js';
import { knowledgeRoutes } from '../knowledge/routes.js';
import { searchRoutes } from '../search/routes.js';
import type { MailModule } from '../mail/module.js';
import type { PortalModule } from '../portal/module.js';
import { mailRoutes } from '../mail/routes.js';
import { mailboxRoutes } from '../mail/mailbox-routes.js';
import { dispatchRoutes } from '../dispatch/routes.js';
import { maintenanceRoutes } from '../maintenance/routes.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { opsRoutes } from '../ops/routes.js';
import { orderRoutes } from '../orders/routes.js';
import { orderWorkRoutes } from '../orders/work-routes.js';
import { peopleRoutes } from '../people/routes.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { provisioningRoutes } from '../provisioning/resources.js';
import { reportRoutes } from '../reports/routes.js';
import { requestRoutes } from '../requests/routes.js';
import { requestActionRoutes } from '../requests/action-routes.js';
import { callRoutes } from '../calls/routes.js';
import { noAlarmSource, type ActiveAlarmsLookup } from '../calls/caller.js';
import type { HubEnv } from './context.js';
import { renderError } from './router.js';

export type ReadinessCheck = () => Promise<void>;

export interface AppDeps {
  db: Db;
  bus: EventBus;
  auth: AuthService;
  pipeline: IntakePipeline;
  log: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
  mail: MailModule;
  isSecureCookie: boolean;
  /** the MQTT side's hub services: alarm replay runs dead letters through them */
  mqtt?: MqttHubServices;
  /** MQTT_DYNSEC: device credentials provisioned on the external broker */
  brokerAuth?: BrokerDeviceAuth;
  /** MQTT_HTTP_AUTH_SECRET: HTTP authentication/authorisation for EMQX */
  brokerHttpAuth?: BrokerHttpAuthOptions;
  /** built console (vite); absent in tests */
  consoleDir?: string;
  /** DATA_DIR: order photos are stored under attachments/ */
  dataDir: string;
  /** active alarms for the caller card; the alarm domain supplies it */
  activeAlarms?: ActiveAlarmsLookup;
  /** web forms and the customer portal (public routes, /portal pages) */
  portal?: PortalModule;
}

const JSON_LIMIT = 1024 * 1024;
/** A work report carries up to 5 photos of PHOTO_MAX_BYTES each, base64 in JSON (4/3 larger). */
const FEEDBACK_LIMIT = 5 * 1024 * 1024;
const FEEDBACK_PATH = /^\/api\/orders\/[^/]+\/feedback$/;

export function createApp(d: AppDeps) {
  const app = new OpenAPIHono<HubEnv>();
  app.onError((err, c) => renderError(c, err));
  app.notFound((c) => renderError(c, new AppError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`)));

  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId', requestId);
    c.set('log', d.log.child({ requestId }));
    c.set('principal', null);
    c.header('x-request-id', requestId);
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    d.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    d.metrics.httpSeconds.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(Object.entries(d.readiness).map(async ([name, check]) => {
      try {
        await check();
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, `failing: ${(err as Error).message}`] as const;
      }
    }));
    const isReady = results.every(([, r]) => r === 'ok');
    return c.json({ status: isReady ? 'ready' : 'not ready', checks: Object.fromEntries(results) }, isReady ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await d.metrics.registry.metrics(), 200, { 'content-type': d.metrics.registry.contentType }));

  app.use('/api/*', async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const token = bearer ?? getCookie(c, SESSION_COOKIE);
    if (token) c.set('principal', await d.auth.resolve(token));
    await next();
  });
  const jsonLimit = bodyLimit({ maxSize: JSON_LIMIT, onError: () => { throw new AppError('PAYLOAD_TOO_LARGE', 'the body is larger than 1 MiB'); } });
  const feedbackLimit = bodyLimit({ maxSize: FEEDBACK_LIMIT, onError: () => { throw new AppError('PAYLOAD_TOO_LARGE', 'the body is larger than 5 MiB'); } });
  app.use('/api/*', async (c, next) => {
    // CSV imports, the public web form and the portal (files) have their own, larger limits.
    if (c.req.path.startsWith('/api/import/') || c.req.path.startsWith('/api/public/') || c.req.path.startsWith('/api/portal/')) return next();
    return (FEEDBACK_PATH.test(c.req.path) ? feedbackLimit : jsonLimit)(c, next);
  });

  const api = new OpenAPIHono<HubEnv>();
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
  for (const sub of [
    authRoutes(d.db, d.auth, { isSecureCookie: d.isSecureCookie }),
    ...provisioningRoutes(d.db),
    peopleRoutes(d.db, d.auth),
    deviceRoutes(d.db, d.brokerAuth),
    importRoutes(d.db),
    requestRoutes(d.db, d.bus, d.pipeline),
    orderRoutes(d.db, d.bus),
    ...orderWorkRoutes(d.db, d.bus, d.dataDir),
    dispatchRoutes(d.db, d.bus),
    ...maintenanceRoutes(d.db, d.bus, d.log),
    requestActionRoutes(d.db, d.bus),
    callRoutes({ db: d.db, bus: d.bus, pipeline: d.pipeline, metrics: d.metrics, activeAlarms: d.activeAlarms ?? noAlarmSource }),
    opsRoutes(d.db),
    ...(d.mqtt ? [alarmRoutes(d.db, d.bus, d.mqtt)] : []),
    mailRoutes(d.db, d.bus, d.mail),
    mailboxRoutes(d.db, d.mail, d.log),
    knowledgeRoutes(d.db),
    reportRoutes(d.db),
    ...(d.portal?.apiRoutes() ?? []),
    ...(d.brokerHttpAuth ? [brokerHttpAuthRoutes(d.db, d.brokerHttpAuth)] : []),
    searchRoutes(d.db),
  ]) api.route('/', sub);
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Service Hub API', version: '1', description: 'Lists answer {items, nextCursor}; errors answer {error: {code, message, requestId, details?}}.' },
    security: [{ bearer: [] }, { cookie: [] }],
  });
  app.route('/api', api);
  if (d.portal) app.route('/', d.portal.pages());

  if (d.consoleDir && existsSync(path.join(d.consoleDir, 'index.html'))) {
    const root = path.relative(process.cwd(), d.consoleDir);
    const files = serveStatic({ root });
    const page = serveStatic({ root, path: 'index.html' });
    const isApi = (path: string) => path === '/api' || path.startsWith('/api/');
    app.use('*', async (c, next) => (isApi(c.req.path) ? next() : files(c, next)));
    // The console routes on the client: any other page path gets index.html (never /api/*).
    app.get('*', async (c, next) => (isApi(c.req.path) ? next() : page(c, next)));
  }
  return app;
}
