import { createRoute } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import { SearchQuery, SearchResult } from '../contracts/api/search.js';
import { createRouter, errorResponses, json, requirePermission } from '../http/router.js';
import { search } from './queries.js';

/** GET /api/search: one search over requests (with their timelines), customers, contacts, assets and orders. */
export function searchRoutes(db: Db) {
  const app = createRouter();
  app.openapi(createRoute({
    method: 'get', path: '/search', tags: ['search'], request: { query: SearchQuery },
    description: 'Ranked results with a snippet and its matching ranges; an exact number, serial or phone number is returned first as `jump`. Staff only.',
    responses: { 200: json(SearchResult, 'results, best first'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'search.read');
    return c.json(await search(db, c.req.valid('query')), 200);
  });
  return app;
}
