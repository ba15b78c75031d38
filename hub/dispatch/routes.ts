import { createRoute, z } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import {
  AssignBody, Board, BoardQuery, MyDayQuery, PositionReport, ReleaseBody, ReleaseResult, StatusReport, Suggestions, TechnicianUpdate, TechnicianView,
} from '../contracts/api/dispatch.js';
import { OrderDetail } from '../contracts/api/orders.js';
import type { EventBus } from '../events/bus.js';
import { listOf } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { dispatchBoard, myDay, suggestTechnicians } from './board.js';
import { assignOrder, releaseOrders } from './service.js';
import { getTechnician, loadTechnicians, reportPosition, reportStatus, toTechnicianView, updateTechnician } from './technicians.js';

const Id = z.object({ id: z.uuid() });

/** Technicians, suggestions and the dispatch board. */
export function dispatchRoutes(db: Db, bus: EventBus) {
  const app = createRouter();
  const tags = ['dispatch'];

  app.openapi(createRoute({
    method: 'get', path: '/technicians', tags,
    responses: { 200: json(listOf(TechnicianView), 'active technicians by name'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'technicians.read');
    return c.json({ items: (await loadTechnicians(db)).map(toTechnicianView), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/technicians/me/orders', tags, request: { query: MyDayQuery },
    responses: { 200: json(Board.shape.technicians.element, 'my released visits of the day, in sequence'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'technicians.report');
    const q = c.req.valid('query');
    return c.json(await myDay(db, p, q.date, q.timeZone), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/technicians/me/position', tags, request: body(PositionReport),
    responses: { 200: json(TechnicianView, 'my profile with the position'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'technicians.report');
    return c.json(await reportPosition(db, bus, p, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/technicians/me/status', tags, request: body(StatusReport),
    responses: { 200: json(TechnicianView, 'my profile with the status'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'technicians.report');
    return c.json(await reportStatus(db, bus, p, c.req.valid('json').status), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/technicians/{id}', tags, request: { params: Id },
    responses: { 200: json(TechnicianView, 'technician'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'technicians.read');
    return c.json(toTechnicianView(await getTechnician(db, c.req.valid('param').id)), 200);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/technicians/{id}', tags, request: { params: Id, ...body(TechnicianUpdate) },
    responses: { 200: json(TechnicianView, 'updated technician'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'technicians.write');
    return c.json(await updateTechnician(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/orders/{id}/suggestions', tags, request: { params: Id },
    responses: { 200: json(Suggestions, 'technicians ranked for the order, with score parts and reasons'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'dispatch.plan');
    return c.json(await suggestTechnicians(db, c.req.valid('param').id), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/dispatch/assign', tags, request: body(AssignBody),
    responses: { 200: json(OrderDetail, 'the order, planned on the technician\'s day'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'dispatch.plan');
    return c.json(await assignOrder(db, bus, p, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/dispatch/release', tags, request: body(ReleaseBody),
    responses: { 200: json(ReleaseResult, 'released orders and those refused, with why'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'dispatch.plan');
    return c.json(await releaseOrders(db, bus, p, c.req.valid('json').orderIds), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/dispatch/board', tags, request: { query: BoardQuery },
    responses: { 200: json(Board, 'technicians with their day in visit order, and unassigned orders'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'dispatch.plan');
    const q = c.req.valid('query');
    return c.json(await dispatchBoard(db, q.date, q.timeZone), 200);
  });
  return app;
}
