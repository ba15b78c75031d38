import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { calls, ctiIntegrations, deadLetters } from '../../db/schema/index.js';
import { parseCtiEvent } from '../../connectors/phone/cti.js';
import {
  CallerCard, CallerSearchHit, CallToRequest, CallToRequestResult, CtiIntegrationCreate, CtiIntegrationCreated, CtiIntegrationView,
} from '../contracts/api/calls.js';
import { CallView } from '../contracts/domain-events.js';
import { hashToken } from '../auth/tokens.js';
import type { EventBus } from '../events/bus.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { BadRequest, NotFound, Unauthorized } from '../platform/errors.js';
import type { Metrics } from '../platform/metrics.js';
import { audit, toWire } from '../provisioning/crud.js';
import { callToRequest } from './attach.js';
import { callerCard, searchCallers, type ActiveAlarmsLookup } from './caller.js';
import { recordCtiEvent, toCallView } from './service.js';

const IdParam = z.object({ id: z.uuid() });
const integrationView = (r: typeof ctiIntegrations.$inferSelect) => CtiIntegrationView.parse(toWire({ ...r, tokenHash: undefined }));

export interface CallRouteDeps { db: Db; bus: EventBus; pipeline: IntakePipeline; metrics: Metrics; activeAlarms: ActiveAlarmsLookup }

/** Phone intake: the CTI webhook (Zammad's generic CTI API), calls, the caller card and caller search. */
export function callRoutes(d: CallRouteDeps) {
  const { db } = d;
  const app = createRouter();
  const tags = ['calls'];

  app.openapi(createRoute({
    method: 'post', path: '/cti-integrations', tags, request: body(CtiIntegrationCreate),
    responses: { 201: json(CtiIntegrationCreated, 'the integration and its token (shown once)'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'cti.manage');
    const token = `hc_${randomBytes(24).toString('base64url')}`;
    const row = await db.transaction(async (tx) => {
      const [r] = await tx.insert(ctiIntegrations).values({ name: c.req.valid('json').name, prefix: token.slice(0, 8), tokenHash: hashToken(token), createdBy: p.userId }).returning();
      await audit(tx, p, 'create', 'cti_integration', r!.id, { name: r!.name });
      return r!;
    });
    return c.json({ ...integrationView(row), token, webhookPath: `/api/cti/${token}` }, 201);
  });

  app.openapi(createRoute({
    method: 'get', path: '/cti-integrations', tags, responses: { 200: json(z.object({ items: z.array(CtiIntegrationView) }), 'integrations'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'cti.manage');
    return c.json({ items: (await db.select().from(ctiIntegrations).orderBy(ctiIntegrations.createdAt)).map(integrationView) }, 200);
  });

  app.openapi(createRoute({
    method: 'delete', path: '/cti-integrations/{id}', tags, request: { params: IdParam },
    responses: { 204: { description: 'revoked: its token no longer works' }, ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'cti.manage');
    const { id } = c.req.valid('param');
    await db.transaction(async (tx) => {
      const [r] = await tx.update(ctiIntegrations).set({ revokedAt: sql`now()` }).where(and(eq(ctiIntegrations.id, id), isNull(ctiIntegrations.revokedAt))).returning();
      if (!r) throw new NotFound('cti integration', id);
      await audit(tx, p, 'revoke', 'cti_integration', id);
    });
    return c.body(null, 204);
  });

  app.openapi(createRoute({
    method: 'post', path: '/cti/{token}', tags, security: [],
    summary: 'CTI webhook (public; the token in the path is the integration\'s)',
    description: 'Zammad\'s generic CTI API: form-encoded (user[] repeated) or JSON with the fields of CtiWebhookBody. Read and checked by the handler, since the body comes in two encodings.',
    request: { params: z.object({ token: z.string().min(10).max(200) }) },
    responses: { 200: json(z.object({}).passthrough(), 'recorded ({} as Zammad answers)'), ...errorResponses },
  }), async (c) => {
    const token = c.req.valid('param').token;
    const [integration] = await db.select({ id: ctiIntegrations.id, lastUsedAt: ctiIntegrations.lastUsedAt }).from(ctiIntegrations)
      .where(and(eq(ctiIntegrations.tokenHash, hashToken(token)), isNull(ctiIntegrations.revokedAt)));
    if (!integration) throw new Unauthorized('unknown or revoked CTI token');
    const raw = await readWebhookBody(c.req.raw);
    const parsed = parseCtiEvent(raw);
    if (!parsed.ok) {
      const payload = JSON.stringify(raw).slice(0, 10_000);
      await db.insert(deadLetters).values({ source: 'phone', reason: parsed.reason, detail: JSON.stringify(parsed.fields), payload, payloadBytes: payload.length, meta: { integrationId: integration.id } });
      d.metrics.deadLetters.inc({ source: 'phone', reason: 'cti_invalid' });
      throw new BadRequest(parsed.reason, parsed.fields);
    }
    await recordCtiEvent(db, d.bus, integration.id, parsed.event);
    if (!integration.lastUsedAt || Date.now() - integration.lastUsedAt.getTime() > 60_000) {
      await db.update(ctiIntegrations).set({ lastUsedAt: sql`now()` }).where(eq(ctiIntegrations.id, integration.id));
    }
    return c.json({}, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/calls', tags, request: { query: ListQuery.extend({ state: z.enum(['ringing', 'answered', 'ended']).optional() }) },
    responses: { 200: json(listOf(CallView), 'calls, newest first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'calls.read');
    const q = c.req.valid('query');
    const ks = keyset(calls.startedAt, calls.id, q.cursor);
    const rows = await db.select().from(calls).where(and(q.state ? eq(calls.state, q.state) : undefined, ks.where)).orderBy(...ks.orderBy).limit(q.limit + 1);
    const pg = page(rows.map((r) => ({ ...r, createdAt: r.startedAt })), q.limit);
    return c.json({ items: await Promise.all(pg.rows.map((r) => toCallView(db, r))), nextCursor: pg.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/calls/{id}/caller', tags, request: { params: IdParam },
    responses: { 200: json(CallerCard, 'who is calling: contact, customer, units with warranty, open requests, active alarms'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'calls.read');
    const { id } = c.req.valid('param');
    const [call] = await db.select().from(calls).where(eq(calls.id, id));
    if (!call) throw new NotFound('call', id);
    const view = await toCallView(db, call);
    const phone = call.direction === 'in' ? call.fromNumber : call.toNumber;
    return c.json(await callerCard(db, d.activeAlarms, { phone, contactId: call.contactId, customerId: call.customerId }, view), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/callers/card', tags,
    request: { query: z.object({ phone: z.string().max(60).optional(), contactId: z.uuid().optional(), customerId: z.uuid().optional() }) },
    responses: { 200: json(CallerCard, 'the caller card without a call (the agent picked a search hit or typed a number)'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'calls.read');
    const q = c.req.valid('query');
    if (!q.phone && !q.contactId && !q.customerId) throw new BadRequest('name the caller', { phone: 'give phone, contactId or customerId' });
    return c.json(await callerCard(db, d.activeAlarms, q), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/callers', tags, request: { query: z.object({ q: z.string().trim().min(2).max(200) }) },
    responses: { 200: json(listOf(CallerSearchHit), 'callers matching a phone number, name, email or serial number'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'calls.read');
    return c.json({ items: await searchCallers(db, c.req.valid('query').q), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/calls/{id}/request', tags, request: { params: IdParam, ...body(CallToRequest) },
    responses: { 200: json(CallToRequestResult, 'the call belongs to the request now'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requests.create');
    return c.json(await callToRequest(db, d.bus, d.pipeline, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });
  return app;
}

/** PBXs post form-encoded (Zammad's default) or JSON; repeated keys (user[]) stay lists. */
async function readWebhookBody(req: Request): Promise<Record<string, unknown>> {
  const type = req.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    const parsed: unknown = await req.json().catch(() => null);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...parsed } : {};
  }
  const form = new URLSearchParams(await req.text());
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    out[key] = key.endsWith('[]') || all.length > 1 ? all : all[0];
  }
  return out;
}
