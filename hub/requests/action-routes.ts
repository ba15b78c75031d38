import { createRoute, z } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import {
  ClaimBody, EscalateBody, LinkAssetBody, MergeBody, MergeResult, QueueList, SplitBody, SplitResult,
} from '../contracts/api/request-actions.js';
import { RequestView } from '../contracts/api/requests.js';
import type { EventBus } from '../events/bus.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { claimRequest, escalateRequest, linkAsset } from './actions.js';
import { mergeRequest } from './merge.js';
import { queueCounts } from './queues.js';
import { splitRequest } from './split.js';

const IdParam = z.object({ id: z.uuid() });

/** The request view's actions (claim, escalate, link a unit, merge, split) and the queue board's counts. */
export function requestActionRoutes(db: Db, bus: EventBus) {
  const app = createRouter();
  const tags = ['requests'];
  const action = <B extends z.ZodType, R extends z.ZodType>(path: string, schema: B, summary: string, result: R) => createRoute({
    method: 'post', path: `/requests/{id}/${path}`, tags, summary, request: { params: IdParam, ...body(schema) },
    responses: { 200: json(result, 'the request after the change'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  });

  app.openapi(action('claim', ClaimBody, 'assign the request to me; 409 with details.assignee when someone has it', RequestView), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await claimRequest(db, bus, p, c.req.valid('param').id, c.req.valid('json').version), 200);
  });

  app.openapi(action('escalate', EscalateBody, 'escalate with a reason, optionally to another team', RequestView), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await escalateRequest(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(action('asset', LinkAssetBody, 'link (or unlink) the unit; warranty and contract are decided again', RequestView), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await linkAsset(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(action('merge', MergeBody, 'merge this request into another (the survivor keeps its number)', MergeResult), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await mergeRequest(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/requests/{id}/split', tags, summary: 'open a new request from some of this one\'s timeline entries',
    request: { params: IdParam, ...body(SplitBody) },
    responses: { 201: json(SplitResult, 'split'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'requests.update');
    return c.json(await splitRequest(db, bus, p, c.req.valid('param').id, c.req.valid('json')), 201);
  });

  app.openapi(createRoute({
    method: 'get', path: '/queues', tags: ['queues'], summary: 'open counts per team queue',
    responses: { 200: json(QueueList, 'every team\'s queue, and the unrouted one'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'queues.read');
    return c.json({ items: await queueCounts(db, p) }, 200);
  });
  return app;
}
