import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import { body, createRouter, errorResponses, json } from '../http/router.js';
import { Unauthorized } from '../platform/errors.js';
import { verifyDeviceToken } from './routes.js';

/** What EMQX's HTTP authenticator posts (configure its body with these placeholders). */
const AuthnBody = z.object({ clientid: z.string().max(256).optional(), username: z.string().max(256).default(''), password: z.string().max(512).default('') }).openapi('BrokerAuthn');
/** What EMQX's HTTP authoriser posts; `action` is publish or subscribe (EMQX 5 may send "all"). */
const AuthzBody = z.object({ username: z.string().max(256).default(''), topic: z.string().max(1024), action: z.enum(['publish', 'subscribe', 'all']) }).openapi('BrokerAuthz');
const Verdict = z.object({ result: z.enum(['allow', 'deny']), is_superuser: z.boolean().optional() }).openapi('BrokerVerdict');

export interface BrokerHttpAuthOptions {
  /** the broker sends it in the X-Hub-Broker-Secret header */
  secret: string;
  /** the hub's own MQTT user (from MQTT_URL): a superuser */
  hubUser?: { username: string; password: string };
}

const digest = (v: string) => createHash('sha256').update(v).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** The device may publish its alarms and status and hear its commands; nothing else. */
export function isDeviceTopicAllowed(deviceId: string, topic: string, action: 'publish' | 'subscribe' | 'all'): boolean {
  if (action === 'publish') return topic === `devices/${deviceId}/alarms` || topic === `devices/${deviceId}/status`;
  if (action === 'subscribe') return topic === `devices/${deviceId}/commands`;
  return false;
}

/**
 * HTTP authentication and authorisation for EMQX (or any broker that asks over HTTP): devices
 * sign in with their id and current token, as on the embedded broker. Always 200 with a verdict:
 * EMQX reads a non-200 as "ignore" and moves to its next authenticator.
 */
export function brokerHttpAuthRoutes(db: Db, o: BrokerHttpAuthOptions) {
  const app = createRouter();
  const tags = ['mqtt broker auth'];
  const checkSecret = (header: string | undefined) => { if (!header || !same(header, o.secret)) throw new Unauthorized('broker secret missing or wrong'); };
  const isHub = (username: string) => o.hubUser !== undefined && same(username, o.hubUser.username);

  app.openapi(createRoute({
    method: 'post', path: '/public/mqtt/authenticate', tags, request: body(AuthnBody),
    responses: { 200: json(Verdict, 'allow or deny the connection'), ...errorResponses },
  }), async (c) => {
    checkSecret(c.req.header('x-hub-broker-secret'));
    const { username, password } = c.req.valid('json');
    if (isHub(username)) return c.json({ result: same(password, o.hubUser!.password) ? 'allow' as const : 'deny' as const, is_superuser: true }, 200);
    const device = await verifyDeviceToken(db, username, password);
    return c.json({ result: device ? 'allow' as const : 'deny' as const, is_superuser: false }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/public/mqtt/authorize', tags, request: body(AuthzBody),
    responses: { 200: json(Verdict, 'allow or deny the publish or subscribe'), ...errorResponses },
  }), async (c) => {
    checkSecret(c.req.header('x-hub-broker-secret'));
    const { username, topic, action } = c.req.valid('json');
    if (isHub(username)) return c.json({ result: 'allow' as const }, 200);
    return c.json({ result: isDeviceTopicAllowed(username, topic, action) ? 'allow' as const : 'deny' as const }, 200);
  });
  return app;
}
