import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serviceOrders } from '../../db/schema/index.js';
import { OrderListQuery, OrderView } from '../contracts/api/orders.js';
import { formatOrderNumber } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import { ListQuery, keyset, listOf, page } from '../http/pagination.js';
import { createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { NotFound } from '../platform/errors.js';

type OrderRow = typeof serviceOrders.$inferSelect;

function toOrderView(o: OrderRow): z.infer<typeof OrderView> {
  return {
    ...o, number: formatOrderNumber(o.number), dueAt: o.dueAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(),
  };
}

/** Technicians see only the orders assigned to them. */
function visibleTo(p: Principal): SQL | undefined {
  return p.role === 'technician' ? eq(serviceOrders.technicianId, p.userId ?? '00000000-0000-0000-0000-000000000000') : undefined;
}

/** Read access to service orders; their lifecycle and dispatch come with the orders issue. */
export function orderRoutes(db: Db) {
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
      visibleTo(p), ks.where,
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
    method: 'get', path: '/orders/{id}', tags, request: { params: z.object({ id: z.uuid() }) },
    responses: { 200: json(OrderView, 'service order'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'orders.read');
    const { id } = c.req.valid('param');
    const [row] = await db.select().from(serviceOrders).where(and(eq(serviceOrders.id, id), visibleTo(p)));
    if (!row) throw new NotFound('order', id);
    return c.json(toOrderView(row), 200);
  });
  return app;
}
