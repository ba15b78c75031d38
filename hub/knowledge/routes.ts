import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serviceRequests } from '../../db/schema/index.js';
import {
  ArticleCreate, ArticleRevisionView, ArticleStatus, ArticleStatusChange, ArticleSuggestionView, ArticleSummaryView, ArticleUpdate,
  ArticleView, ArticleVisibility, PublicArticleView,
} from '../contracts/api/knowledge.js';
import { listOf } from '../http/pagination.js';
import { body, conflictResponse, createRouter, errorResponses, json, notFoundResponse, requirePermission } from '../http/router.js';
import { NotFound } from '../platform/errors.js';
import { visibleTo } from '../requests/queries.js';
import { KnowledgeService } from './service.js';

const IdParam = z.object({ id: z.uuid() });
const ListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  status: ArticleStatus.optional().describe('default: drafts and published (not archived)'),
  visibility: ArticleVisibility.optional(),
  faultCode: z.string().trim().min(1).max(40).optional(),
  modelId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const PublicQuery = z.object({
  q: z.string().trim().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
  match: z.enum(['all', 'any']).default('all').describe('all: every word (a search box); any: suggestions for what a customer is typing'),
});
const StatusBody = ArticleStatusChange.extend({ status: ArticleStatus });

/** The knowledge base for staff (articles, revisions, suggestions for a request) and its public side. */
export function knowledgeRoutes(db: Db) {
  const app = createRouter();
  const kb = new KnowledgeService(db);
  const tags = ['knowledge'];

  app.openapi(createRoute({
    method: 'get', path: '/knowledge/articles', tags, request: { query: ListQuery },
    description: 'Articles matching every word of q (with or without diacritics), best match first; without q, latest change first.',
    responses: { 200: json(listOf(ArticleSummaryView), 'articles'), ...errorResponses },
  }), async (c) => {
    requirePermission(c, 'knowledge.read');
    return c.json({ items: await kb.list(c.req.valid('query')), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/knowledge/articles', tags, request: body(ArticleCreate),
    responses: { 201: json(ArticleView, 'created as a draft'), ...errorResponses },
  }), async (c) => {
    const p = requirePermission(c, 'knowledge.write');
    return c.json(await kb.create(p, c.req.valid('json')), 201);
  });

  app.openapi(createRoute({
    method: 'get', path: '/knowledge/articles/{id}', tags, request: { params: IdParam },
    responses: { 200: json(ArticleView, 'the article with its rendered body and the cases it came from'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'knowledge.read');
    return c.json(await kb.get(c.req.valid('param').id), 200);
  });

  app.openapi(createRoute({
    method: 'patch', path: '/knowledge/articles/{id}', tags, request: { params: IdParam, ...body(ArticleUpdate) },
    responses: { 200: json(ArticleView, 'saved as a new revision'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const p = requirePermission(c, 'knowledge.write');
    return c.json(await kb.update(p, c.req.valid('param').id, c.req.valid('json')), 200);
  });

  app.openapi(createRoute({
    method: 'post', path: '/knowledge/articles/{id}/status', tags, request: { params: IdParam, ...body(StatusBody) },
    description: 'Publishing and archiving are for editors (knowledge.publish); anyone who writes may take an article back to draft.',
    responses: { 200: json(ArticleView, 'the article in its new status'), ...errorResponses, ...notFoundResponse, ...conflictResponse },
  }), async (c) => {
    const { status, version } = c.req.valid('json');
    const p = requirePermission(c, status === 'draft' ? 'knowledge.write' : 'knowledge.publish');
    return c.json(await kb.setStatus(p, c.req.valid('param').id, status, version), 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/knowledge/articles/{id}/revisions', tags, request: { params: IdParam },
    responses: { 200: json(listOf(ArticleRevisionView), 'every saved state, newest first'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    requirePermission(c, 'knowledge.read');
    return c.json({ items: await kb.revisions(c.req.valid('param').id), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/requests/{id}/knowledge', tags, request: { params: IdParam },
    description: "Published articles for this request: its fault codes first, then its unit's model, then its words; each says why.",
    responses: { 200: json(listOf(ArticleSuggestionView), 'suggested articles, best first'), ...errorResponses, ...notFoundResponse },
  }), async (c) => {
    const p = requirePermission(c, 'knowledge.read');
    const { id } = c.req.valid('param');
    const [r] = await db.select({ id: serviceRequests.id }).from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p)));
    if (!r) throw new NotFound('request', id);
    return c.json({ items: await kb.suggestForRequest(id), nextCursor: null }, 200);
  });

  // Public: published public articles only, for the portal and the public form. No sign-in.
  app.openapi(createRoute({
    method: 'get', path: '/public/knowledge', tags, request: { query: PublicQuery },
    responses: { 200: json(listOf(PublicArticleView), 'public answers matching the words'), ...errorResponses },
  }), async (c) => {
    const q = c.req.valid('query');
    return c.json({ items: await kb.publicSearch(q.q, q.limit, q.match), nextCursor: null }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/public/knowledge/{id}', tags, request: { params: IdParam },
    responses: { 200: json(PublicArticleView, 'one public answer'), ...errorResponses, ...notFoundResponse },
  }), async (c) => c.json(await kb.publicGet(c.req.valid('param').id), 200));

  return app;
}
