import { z } from '@hono/zod-openapi';

export const ArticleVisibility = z.enum(['internal', 'public']).describe('internal: staff only; public: also the customer portal and the public form');
export const ArticleStatus = z.enum(['draft', 'published', 'archived']);

const tag = z.string().trim().min(1).max(40);
const fields = {
  title: z.string().trim().min(3).max(200),
  body: z.string().max(50_000).describe('Markdown; raw HTML is removed when it is rendered'),
  tags: z.array(tag).max(20),
  faultCodes: z.array(z.string().trim().min(1).max(40)).max(20),
  modelIds: z.array(z.uuid()).max(50),
  visibility: ArticleVisibility,
};

export const ArticleCreate = z.object({
  ...fields,
  body: fields.body.default(''), tags: fields.tags.default([]), faultCodes: fields.faultCodes.default([]),
  modelIds: fields.modelIds.default([]), visibility: fields.visibility.default('internal'),
}).openapi('ArticleCreate');

export const ArticleUpdate = z.object({
  ...fields, version: z.number().int().positive(), note: z.string().trim().max(500).optional().describe('what changed, kept with the revision'),
}).partial().required({ version: true }).openapi('ArticleUpdate');

export const ArticleStatusChange = z.object({ version: z.number().int().positive() }).openapi('ArticleStatusChange');

export const ArticleCaseView = z.object({
  orderId: z.uuid(), orderNumber: z.string(), requestId: z.uuid(), requestNumber: z.string(), faultCode: z.string().nullable(),
  workDone: z.string(), cause: z.string().nullable(), failedComponent: z.string().nullable(), addedAt: z.string(),
}).openapi('ArticleCase');

export const ArticleSummaryView = z.object({
  id: z.uuid(), number: z.string().describe('KB-000123'), title: z.string(), tags: z.array(z.string()), faultCodes: z.array(z.string()),
  modelIds: z.array(z.uuid()), visibility: ArticleVisibility, status: ArticleStatus, version: z.number().int(),
  excerpt: z.string().describe('the start of the body as plain text'), caseCount: z.number().int(),
  publishedAt: z.string().nullable(), updatedAt: z.string(),
}).openapi('ArticleSummary');

export const ArticleView = ArticleSummaryView.extend({
  body: z.string(), bodyHtml: z.string().describe('the body rendered and sanitised'), answer: z.string().describe('the body as plain text, for a reply'),
  cases: z.array(ArticleCaseView), createdAt: z.string(),
}).openapi('Article');

export const PublicArticleView = z.object({
  id: z.uuid(), number: z.string(), title: z.string(), tags: z.array(z.string()), excerpt: z.string(), bodyHtml: z.string(), updatedAt: z.string(),
}).openapi('PublicArticle');

export const ArticleRevisionView = z.object({
  version: z.number().int(), title: z.string(), body: z.string(), tags: z.array(z.string()), faultCodes: z.array(z.string()),
  modelIds: z.array(z.uuid()), visibility: ArticleVisibility, status: ArticleStatus, editedBy: z.uuid().nullable(),
  note: z.string().nullable(), createdAt: z.string(),
}).openapi('ArticleRevision');

export const ArticleSuggestionView = ArticleSummaryView.extend({
  answer: z.string(), reasons: z.array(z.string()).describe('why it is suggested: fault code, model, words'),
}).openapi('ArticleSuggestion');

export function formatArticleNumber(n: number): string {
  return `KB-${String(n).padStart(6, '0')}`;
}
