import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { serviceOrders } from './orders.js';
import { users } from './people.js';
import { serviceRequests } from './requests.js';

const at = () => timestamp({ withTimezone: true, precision: 3 });

/**
 * The knowledge base (DOMAIN.md: solved cases form a knowledge base that can be made available
 * to everyone). An article answers one problem: Markdown body, tags, the fault codes and
 * product models it is about, internal or public. Drafts come from closed orders; an editor
 * reviews and publishes them. Every edit is a revision (knowledge_article_revisions).
 */
export const knowledgeArticles = pgTable('knowledge_articles', {
  id: uuid().primaryKey().defaultRandom(),
  /** shown as KB-000123 */
  number: integer().notNull().generatedByDefaultAsIdentity(),
  title: text().notNull(),
  /** Markdown; rendered to sanitized HTML on read */
  body: text().notNull().default(''),
  tags: text().array().notNull().default(sql`'{}'::text[]`),
  faultCodes: text().array().notNull().default(sql`'{}'::text[]`),
  /** product model ids */
  modelIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
  /** internal (staff only) | public (portal and public form) */
  visibility: text().notNull().default('internal'),
  /** draft | published | archived */
  status: text().notNull().default('draft'),
  /** title, body, tags and codes folded (lower case, no diacritics) for matching on both drivers */
  searchText: text().notNull().default(''),
  version: integer().notNull().default(1),
  createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  updatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  publishedAt: at(),
  createdAt: at().notNull().defaultNow(),
  updatedAt: at().notNull().defaultNow(),
}, (t) => [
  uniqueIndex('knowledge_articles_number_key').on(t.number),
  index('knowledge_articles_status_idx').on(t.status, t.visibility),
]);

/** Every saved state of an article, so an editor sees what changed and who changed it. */
export const knowledgeArticleRevisions = pgTable('knowledge_article_revisions', {
  articleId: uuid().notNull().references(() => knowledgeArticles.id, { onDelete: 'cascade' }),
  version: integer().notNull(),
  title: text().notNull(),
  body: text().notNull(),
  tags: text().array().notNull(),
  faultCodes: text().array().notNull(),
  modelIds: uuid().array().notNull(),
  visibility: text().notNull(),
  status: text().notNull(),
  editedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  /** why: 'drafted from WO-000123', 'published', an editor's comment */
  note: text(),
  createdAt: at().notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.articleId, t.version] })]);

/** The solved cases an article was drafted from or grew by (one row per closed order). */
export const knowledgeArticleCases = pgTable('knowledge_article_cases', {
  articleId: uuid().notNull().references(() => knowledgeArticles.id, { onDelete: 'cascade' }),
  orderId: uuid().notNull().references(() => serviceOrders.id, { onDelete: 'cascade' }),
  requestId: uuid().notNull().references(() => serviceRequests.id, { onDelete: 'cascade' }),
  faultCode: text(),
  /** the technician's solution, as reported */
  workDone: text().notNull(),
  cause: text(),
  failedComponent: text(),
  addedAt: at().notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.articleId, t.orderId] }),
  // a closed order feeds one article, once
  uniqueIndex('knowledge_article_cases_order_key').on(t.orderId),
]);
