import { sql } from 'drizzle-orm';
import { customType, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * One row per searchable thing (request, customer, contact, asset, order), written by the write
 * path in the transaction that changes the text (hub/search/indexer.ts). Lexemes are made in JS
 * (folded, CJK as character bigrams) and stored with array_to_tsvector, so PostgreSQL's parser
 * and the database locale (PGlite runs under C) never split or drop a word.
 */
export const searchDocuments = pgTable('search_documents', {
  /** request | customer | contact | asset | order */
  kind: text().notNull(),
  entityId: uuid().notNull(),
  /** shown as the result's heading, e.g. "SR-000123 Heizung fällt aus" */
  title: text().notNull(),
  /** the text a snippet is cut from (original spelling), bounded in length */
  body: text().notNull().default(''),
  /** every lexeme, without positions (small: matching only) */
  tsv: tsvector().notNull(),
  /** the title's lexemes: a match here ranks first */
  titleTsv: tsvector().notNull(),
  /** exact jump keys: "sr-123", "wo-45", an upper-case serial, phone digits */
  jumpKeys: text().array().notNull().default(sql`'{}'::text[]`),
  /** filters (request columns; orders fill status/priority; every kind its customer) */
  type: text(),
  channel: text(),
  status: text(),
  priority: text(),
  teamId: uuid(),
  customerId: uuid(),
  /** the request a result opens (requests and orders) */
  requestId: uuid(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.kind, t.entityId] }),
  index('search_documents_tsv_idx').using('gin', t.tsv),
  index('search_documents_title_tsv_idx').using('gin', t.titleTsv),
  index('search_documents_jump_idx').using('gin', t.jumpKeys),
  index('search_documents_customer_idx').on(t.customerId),
  index('search_documents_created_idx').on(t.createdAt),
  index('search_documents_kind_created_idx').on(t.kind, t.createdAt),
]);
