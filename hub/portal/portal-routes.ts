import { createRoute, z } from '@hono/zod-openapi';
import { setCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { customers, users } from '../../db/schema/index.js';
import { SESSION_COOKIE } from '../auth/routes.js';
import {
  ComplaintCreate, MagicLinkBody, OrderDecision, PortalListQuery, PortalOrder, PortalRequest, PortalRequestDetail, RatingCreate, RemarkCreate, SignInBody,
} from '../contracts/api/portal.js';
import { TimelineEntryView } from '../contracts/domain-events.js';
import { IntakeResult } from '../contracts/intake-event.js';
import type { EventBus } from '../events/bus.js';
import { ListQuery, listOf } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse } from '../http/router.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import type { SecretBox } from '../mail/secrets.js';
import { AppError, BadRequest, fieldsOf } from '../platform/errors.js';
import type { AttachmentStore } from '../mail/attachments.js';
import { bodyLimit } from '../http/body-limit.js';
import { clientAddress, readSubmission, storeFiles } from './public-routes.js';
import type { PublicRateLimiter } from './rate-limit.js';
import { type PortalMail, addRemark, decideOrder, fileComplaint, listPortalAssets, listPortalOrders, listPortalRequests, portalRequestDetail, rateRequest } from './service.js';
import type { PortalSignIn } from './sign-in.js';
import { TRACKING_HEADER, viewerOf } from './viewer.js';

export interface PortalRouteDeps {
  db: Db; bus: EventBus; pipeline: IntakePipeline; secrets: SecretBox; signIn: PortalSignIn; limiter: PublicRateLimiter;
  isSecureCookie: boolean; isProxyTrusted: boolean;
  attachments: AttachmentStore; bodyMaxBytes: number;
  mail: PortalMail;
}

const Id = z.object({ id: z.uuid() });
const tracking = z.object({ [TRACKING_HEADER]: z.string().max(200).optional().describe('the token of a tracking link, instead of a customer sign-in') });

/**
 * The customer portal's API. A customer account sees its organisation's requests, orders and
 * units; a tracking link's holder sees that one request. Anything else is 404, never 403.
 */
export function portalRoutes(d: PortalRouteDeps) {
  const app = createRouter();
  const tags = ['portal'];
  const viewer = (c: Parameters<typeof viewerOf>[0]) => viewerOf(c, d.secrets);

  app.openapi(createRoute({
    method: 'post', path: '/public/portal/magic-link', tags, request: body(MagicLinkBody),
    responses: { 202: json(z.object({ message: z.string() }), 'a sign-in link is mailed if the address belongs to a customer'), ...errorResponses, 429: { description: 'too many links asked for' } },
  }), async (c) => {
    const { email } = c.req.valid('json');
    await d.limiter.consume('lookup', clientAddress(c, d.isProxyTrusted));
    await d.limiter.consume('email', email);
    await d.signIn.sendLink(email);
    return c.json({ message: 'If this address belongs to a customer account, a sign-in link is on its way. It works once.' }, 202);
  });

  app.openapi(createRoute({
    method: 'post', path: '/public/portal/sign-in', tags, request: body(SignInBody),
    responses: { 200: json(z.object({ token: z.string(), expiresAt: z.string() }), 'signed in; also sets the session cookie'), ...errorResponses },
  }), async (c) => {
    const s = await d.signIn.signIn(c.req.valid('json').token);
    setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'Lax', path: '/', secure: d.isSecureCookie, expires: s.expiresAt });
    return c.json({ token: s.token, expiresAt: s.expiresAt.toISOString() }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/portal/me', tags, request: { headers: tracking },
    responses: { 200: json(z.object({
      kind: z.enum(['customer', 'tracking']), name: z.string().nullable(), organisation: z.string().nullable(),
      customerId: z.uuid().nullable().describe('the socket room customer:<id> carries live changes'), requestId: z.uuid().nullable(),
    }), 'who is looking'), ...errorResponses },
  }), async (c) => {
    const v = viewer(c);
    if (v.kind === 'tracking') return c.json({ kind: v.kind, name: null, organisation: null, customerId: null, requestId: v.requestId }, 200);
    const [u] = await d.db.select({ name: users.name, organisation: customers.name }).from(users).leftJoin(customers, eq(customers.id, users.customerId)).where(eq(users.id, v.userId));
    return c.json({ kind: v.kind, name: u?.name ?? null, organisation: u?.organisation ?? null, customerId: v.customerId, requestId: null }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/portal/requests', tags, request: { headers: tracking, query: PortalListQuery.extend(ListQuery.shape) },
    responses: { 200: json(listOf(PortalRequest), 'your requests, newest first'), ...errorResponses },
  }), async (c) => c.json(await listPortalRequests(d.db, viewer(c), c.req.valid('query')), 200));

  app.openapi(createRoute({
    method: 'get', path: '/portal/requests/{id}', tags, request: { headers: tracking, params: Id },
    responses: { 200: json(PortalRequestDetail, 'the request, its public timeline, its orders and your rating'), ...errorResponses, ...notFoundResponse },
  }), async (c) => c.json(await portalRequestDetail(d.db, viewer(c), c.req.valid('param').id), 200));

  // Remarks may carry files: JSON, or multipart with {body} in a `data` part and files.
  app.use('/portal/*', bodyLimit({
    maxSize: d.bodyMaxBytes,
    onError: () => { throw new AppError('PAYLOAD_TOO_LARGE', `the body is larger than ${d.bodyMaxBytes} bytes`, { details: { maxBytes: d.bodyMaxBytes } }); },
  }));
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/portal/requests/{id}/remarks', tags, request: {
      headers: tracking, params: Id,
      body: { content: { 'application/json': { schema: RemarkCreate }, 'multipart/form-data': { schema: z.object({ data: z.string(), attachments: z.any().optional() }) } } },
    },
    responses: { 201: json(TimelineEntryView, 'your remark (and files) on the timeline'), ...errorResponses, ...notFoundResponse, 413: { description: 'too large' } },
  });
  app.post('/portal/requests/:id/remarks', async (c) => {
    const v = viewer(c);
    const id = Id.safeParse({ id: c.req.param('id') });
    if (!id.success) throw new BadRequest('the request is not valid', fieldsOf(id.error));
    const { raw, files } = await readSubmission(c, d.attachments.maxBytes);
    const parsed = RemarkCreate.safeParse(raw);
    if (!parsed.success) throw new BadRequest('the remark is not valid', fieldsOf(parsed.error));
    if (files.length > 10) throw new BadRequest('at most 10 attachments', { attachments: 'at most 10' });
    return c.json(await addRemark(d.db, d.bus, v, id.data.id, parsed.data.body, await storeFiles(d.attachments, files)), 201);
  });

  app.openapi(createRoute({
    method: 'post', path: '/portal/requests/{id}/rating', tags, request: { headers: tracking, params: Id, ...body(RatingCreate) },
    responses: { 200: json(z.object({ score: z.number().int(), comment: z.string() }), 'your rating'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => c.json(await rateRequest(d.db, d.bus, viewer(c), c.req.valid('param').id, c.req.valid('json')), 200));

  app.openapi(createRoute({
    method: 'post', path: '/portal/complaints', tags, request: { headers: tracking, ...body(ComplaintCreate) },
    responses: { 201: json(z.object({ result: IntakeResult }), 'the complaint, a request of type complaint'), ...errorResponses },
  }), async (c) => c.json({ result: await fileComplaint(d.db, d.pipeline, viewer(c), c.req.valid('json')) }, 201));

  app.openapi(createRoute({
    method: 'get', path: '/portal/orders', tags, request: { headers: tracking },
    responses: { 200: json(listOf(PortalOrder), 'service orders on your requests'), ...errorResponses },
  }), async (c) => c.json(await listPortalOrders(d.db, viewer(c)), 200));

  app.openapi(createRoute({
    method: 'get', path: '/portal/assets', tags, request: { headers: tracking },
    responses: { 200: json(z.object({ items: z.array(z.object({ id: z.uuid(), serialNumber: z.string(), model: z.string(), warrantyUntil: z.string().nullable(), warranty: z.string() })) }), 'your units with their warranty today'), ...errorResponses },
  }), async (c) => c.json(await listPortalAssets(d.db, viewer(c)), 200));

  for (const [path, decision] of [['accept', 'accepted'], ['reject', 'rejected']] as const) {
    app.openapi(createRoute({
      method: 'post', path: `/portal/orders/{id}/${path}`, tags, request: { headers: tracking, params: Id, ...body(OrderDecision) },
      responses: { 200: json(PortalOrder, `the order, ${decision}`), ...errorResponses, ...notFoundResponse, ...conflictResponse },
    }), async (c) => {
      const input = c.req.valid('json');
      if (decision === 'rejected' && !input.reason) throw new BadRequest('say what is wrong with the work', { reason: 'required to reject' });
      return c.json(await decideOrder(d.db, d.bus, d.mail, viewer(c), c.req.valid('param').id, decision, input), 200);
    });
  }
  return app;
}

