import { createRoute, z } from '@hono/zod-openapi';
import { TimelineEntryView } from '../contracts/domain-events.js';
import { NoteCreate, RequestCreate, RequestCreated, RequestDetail, RequestListQuery, RequestUpdate, RequestView } from '../contracts/api/requests.js';
import type { Db } from '../../db/client.js';
import type { EventBus } from '../events/bus.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { actorOf } from '../auth/principal.js';
import { agentIntakeEvent } from '../../connectors/phone/agent-intake.js';
import { ListQuery, listOf } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { normalizePhone } from '../identify/identify.js';
import { BadRequest } from '../platform/errors.js';
import { getRequest, intakeCandidates, listRequests } from './queries.js';
import { addNote, updateRequest } from './service.js';

const IdParam = z.object({ id: z.uuid() });

export function requestRoutes(db: Db, bus: EventBus, pipeline: IntakePipeline) {
  const app = createRouter();
  const tags = ['requests'];

  app.openapi(createRoute({
    method: 'post', path: '/requests', tags, request: {
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }), ...body(RequestCreate),
    },
    responses: {
      201: json(RequestCreated, 'a new request was opened, or the call was added to an open one'),
      200: json(RequestCreated, 'a retry with the same Idempotency-Key: nothing changed'),
      ...errorResponses, ...conflictResponse,
    },
  }), async (c) => {
    const p = requirePermission(c, 'requests.create');
    const result = await pipeline.submit(agentIntakeEvent(c.req.valid('json'), {
      actor: actorOf(p), idempotencyKey: c.req.valid('header')['idempotency-key'],
    }));
    const request = result.requestId ? await getRequest(db, p, result.requestId).catch(() => null) : null;
    const { timeline: _timeline, ...view } = request ?? { timeline: [] };
    return c.json({ result, request: request ? RequestView.parse(view) : null }, result.kind === 'duplicate' ? 200 : 201);
  });

  app.openapi(createRoute({
    method: 'get', path: '/requests', tags, request: { query: ListQuery.extend(RequestListQuery.shape) },
    responses: { 200: json(listOf(RequestView), 'requests, newest first'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'requests.read');
    return c.json(await listRequests(db, p, c.req.valid('query')), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/requests/{id}', tags, request: { params: IdParam },
    responses: { 200: json(RequestDetail, 'the request with its timeline (customers do not see internal notes)'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requests.read');
    return c.json(await getRequest(db, p, c.req.valid('param').id), 200);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/requests/{id}', tags, request: { params: IdParam, ...body(RequestUpdate) },
    responses: { 200: json(RequestView, 'updated'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await updateRequest(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/requests/{id}/notes', tags, request: { params: IdParam, ...body(NoteCreate) },
    responses: { 201: json(TimelineEntryView, 'note added to the timeline'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await addNote(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 201);
  });

  app.openapi(createRoute({
    method: 'get', path: '/intake/candidates', tags,
    request: { query: z.object({ contactId: z.uuid().optional(), phone: z.string().max(40).optional(), email: z.email().optional(), serialNumber: z.string().max(100).optional() }) },
    responses: { 200: json(z.object({ contactIds: z.array(z.uuid()), items: z.array(RequestView) }), 'open requests of the caller and their units'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'requests.create');
    const q = c.req.valid('query');
    if (!q.contactId && !q.phone && !q.email && !q.serialNumber) {
      throw new BadRequest('name the caller or the unit', { phone: 'give contactId, phone, email or serialNumber' });
    }
    return c.json(await intakeCandidates(db, { ...q, phone: q.phone ? normalizePhone(q.phone) : undefined }), 200);
  });
  return app;
}
