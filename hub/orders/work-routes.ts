import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { costTemplates, partsRequisitions, serviceOrders } from '../../db/schema/index.js';
import {
  CostTemplateCreate, CostTemplateUpdate, CostTemplateView, EstimateBody, FeedbackBody, FeedbackView, OrderCosts, OrderDetail,
  RequisitionListQuery, RequisitionUpdate, RequisitionView, SignOffBody,
} from '../contracts/api/orders.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import {
  body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission,
} from '../http/router.js';
import { crudRoutes } from '../provisioning/crud.js';
import { readOrderPhoto } from './attachments.js';
import { applyEstimate, orderCosts } from './estimate.js';
import { getFeedback, signOff, submitFeedback } from './feedback.js';
import { lockOrder } from './lifecycle.js';
import { visibleOrders } from './queries.js';
import { toRequisitionView, updateRequisition } from './requisitions.js';
import { BadRequest, NotFound } from '../platform/errors.js';

const Id = z.object({ id: z.uuid() });

async function visibleOrder(db: Db, p: Principal, id: string) {
  const [o] = await db.select().from(serviceOrders).where(and(eq(serviceOrders.id, id), visibleOrders(p)));
  if (!o) throw new NotFound('order', id);
  return o;
}

/** The work on an order: estimate and costs, technical feedback with photos, sign-off, parts requisitions, cost templates. */
export function orderWorkRoutes(db: Db, bus: EventBus, dataDir: string) {
  const app = createRouter();
  const tags = ['orders'];

  app.openapi(createRoute({
    method: 'post', path: '/orders/{id}/estimate', tags, request: { params: Id, ...body(EstimateBody) },
    responses: { 200: json(OrderCosts, 'the order\'s costs with the new estimate'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'costs.write');
    const { id } = c.req.valid('param');
    const e = c.req.valid('json');
    await db.transaction(async (tx) => {
      const order = await lockOrder(tx, id);
      if (!order) throw new NotFound('order', id);
      if (order.status === 'closed' || order.status === 'cancelled') throw new BadRequest(`a ${order.status} order keeps its estimate`);
      await applyEstimate(tx, order, e);
    });
    return c.json(await orderCosts(db, await visibleOrder(db, p, id)), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/orders/{id}/costs', tags, request: { params: Id },
    responses: { 200: json(OrderCosts, 'planned vs actual per category, chargeable vs covered, margin'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'costs.read');
    return c.json(await orderCosts(db, await visibleOrder(db, p, c.req.valid('param').id)), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/orders/{id}/feedback', tags, request: { params: Id, ...body(FeedbackBody) },
    responses: { 200: json(FeedbackView, 'the feedback as stored'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.feedback');
    return c.json(await submitFeedback(db, bus, dataDir, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/orders/{id}/feedback', tags, request: { params: Id },
    responses: { 200: json(FeedbackView, 'the technician\'s feedback'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.read');
    const o = await visibleOrder(db, p, c.req.valid('param').id);
    return c.json((await getFeedback(db, o.id)).view, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/orders/{id}/photos/{photoId}', tags, request: { params: Id.extend({ photoId: z.uuid() }) },
    responses: { 200: { description: 'the photo (PNG, JPEG or WebP)' }, ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.read');
    const { id, photoId } = c.req.valid('param');
    const o = await visibleOrder(db, p, id);
    const photo = (await getFeedback(db, o.id)).row.photos.find((ph) => ph.id === photoId);
    if (!photo) throw new NotFound('photo', photoId);
    const bytes = await readOrderPhoto(dataDir, photo);
    return c.body(new Uint8Array(bytes), 200, { 'content-type': photo.contentType, 'cache-control': 'private, max-age=86400' });
  });

  app.openapi(createRoute({
    method: 'post', path: '/orders/{id}/sign-off', tags, request: { params: Id, ...body(SignOffBody) },
    responses: { 200: json(OrderDetail, 'the order, accepted by the customer'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.feedback');
    return c.json(await signOff(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/parts-requisitions', tags, request: { query: ListQuery.extend(RequisitionListQuery.shape) },
    responses: { 200: json(listOf(RequisitionView), 'parts requisitions, newest first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'requisitions.read');
    const q = c.req.valid('query');
    const ks = keyset(partsRequisitions.createdAt, partsRequisitions.id, q.cursor);
    const rows = await db.select({ r: partsRequisitions, requestId: serviceOrders.requestId }).from(partsRequisitions)
      .innerJoin(serviceOrders, eq(serviceOrders.id, partsRequisitions.orderId))
      .where(and(ks.where, q.status ? eq(partsRequisitions.status, q.status) : undefined, q.orderId ? eq(partsRequisitions.orderId, q.orderId) : undefined))
      .orderBy(...ks.orderBy).limit(q.limit + 1);
    const pg = page(rows.map((x) => ({ ...x, id: x.r.id, createdAt: x.r.createdAt })), q.limit);
    return c.json({ items: pg.rows.map((x) => toRequisitionView(x.r, x.requestId)), nextCursor: pg.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/parts-requisitions/{id}', tags, request: { params: Id, ...body(RequisitionUpdate) },
    responses: { 200: json(RequisitionView, 'the requisition in its new status'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requisitions.write');
    return c.json(await updateRequisition(db, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  return [app, crudRoutes(db, {
    entity: 'cost template', path: '/cost-templates', table: costTemplates, create: CostTemplateCreate, update: CostTemplateUpdate,
    view: CostTemplateView, read: 'costs.read', write: 'costs.write', search: [costTemplates.name],
  })];
}
