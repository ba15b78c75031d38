import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serviceOrders } from '../../db/schema/index.js';
import { OrderCreate, OrderDetail, OrderListQuery, OrderTransition, OrderUpdate, OrderView } from '../contracts/api/orders.js';
import type { EventBus } from '../events/bus.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import {
  body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission,
} from '../http/router.js';
import { visibleOrders } from './queries.js';
import { getOrder, openOrder, transitionOrder, updateOrder } from './service.js';
import { toOrderSummary as toOrderView } from './summary.js';

const Id = z.object({ id: z.uuid() });

/** Service orders: list, open from a request, clarify, and move through the lifecycle. */
export function orderRoutes(db: Db, bus: EventBus) {
  const app = createRouter();
  const tags = ['orders'];

  app.openapi(createRoute({
    method: 'get', path: '/orders', tags, request: { query: ListQuery.extend(OrderListQuery.shape) },
    responses: { 200: json(listOf(OrderView), 'service orders, newest first'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'orders.read');
    const q = c.req.valid('query');
    const ks = keyset(serviceOrders.createdAt, serviceOrders.id, q.cursor);
    const rows = await db.select().from(serviceOrders).where(and(
      visibleOrders(p), ks.where,
      q.status ? eq(serviceOrders.status, q.status) : undefined,
      q.kind ? eq(serviceOrders.kind, q.kind) : undefined,
      q.priority ? eq(serviceOrders.priority, q.priority) : undefined,
      q.technician ? eq(serviceOrders.technicianId, q.technician) : undefined,
      q.requestId ? eq(serviceOrders.requestId, q.requestId) : undefined,
    )).orderBy(...ks.orderBy).limit(q.limit + 1);
    const pg = page(rows, q.limit);
    return c.json({ items: pg.rows.map(toOrderView), nextCursor: pg.nextCursor }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/orders', tags, request: body(OrderCreate),
    responses: { 201: json(OrderDetail, 'the order, opened on the request\'s timeline'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'orders.create');
    return c.json(await openOrder(db, bus, p, c.req.valid('json')), 201);
  });

  app.openapi(createRoute({
    method: 'get', path: '/orders/{id}', tags, request: { params: Id },
    responses: { 200: json(OrderDetail, 'service order with the transitions the caller may make'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.read');
    return c.json(await getOrder(db, p, c.req.valid('param').id), 200);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/orders/{id}', tags, request: { params: Id, ...body(OrderUpdate) },
    responses: { 200: json(OrderDetail, 'updated order'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.update');
    return c.json(await updateOrder(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/orders/{id}/transitions', tags, request: { params: Id, ...body(OrderTransition) },
    responses: {
      200: json(OrderDetail, 'the order in its new status'), ...errorResponses, ...notFoundResponse,
      409: { description: 'not allowed now: details.allowed names the statuses the caller may move it to; or a stale version', content: conflictResponse[409].content },
    },
  }), async (c) => {
    const p = requirePermission(c, 'orders.transition');
    return c.json(await transitionOrder(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });
  return app;
}
