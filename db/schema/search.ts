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
  // fastupdate off on every GIN index here: with it on, inserts queue in a pending list that
  // the insert which finds it past gin_pending_list_limit (4 MB) merges into the index, a stall
  // of tens of ms that holds up the whole intake batch behind it (the web-form bench's p99 went
  // from 34–43 ms to 70–91 ms at 1,000 submissions/s with it on; PostgreSQL's CPU was the same).
  index('search_documents_tsv_idx').using('gin', t.tsv).with({ fastupdate: false }),
  index('search_documents_title_tsv_idx').using('gin', t.titleTsv).with({ fastupdate: false }),
  index('search_documents_jump_idx').using('gin', t.jumpKeys).with({ fastupdate: false }),
  index('search_documents_customer_idx').on(t.customerId),
  index('search_documents_created_idx').on(t.createdAt),
  index('search_documents_kind_created_idx').on(t.kind, t.createdAt),
]);

/**
 * The index's vocabulary: every folded ASCII word of 4–32 letters that a document has, added by
 * the indexer in the document's transaction. A trigram index over it turns a query word that
 * matches nothing ("heizng") into the nearest word the index knows ("heizung").
 *
 * No unique key, on purpose: an insert that meets a unique key another open transaction has just
 * written waits for that transaction, and intake transactions that index a contact mid-way and
 * then wait for the event counter would deadlock with one that holds the counter and indexes the
 * same new word. A word is inserted only when absent, so a duplicate needs two transactions adding
 * the same new word at once; readers group. Words are never removed: a stale one only makes a
 * suggestion that the search then finds empty and drops.
 */
export const searchTerms = pgTable('search_terms', {
  term: text().notNull(),
}, (t) => [
  index('search_terms_term_idx').on(t.term),
  index('search_terms_trgm_idx').using('gin', t.term.op('gin_trgm_ops')).with({ fastupdate: false }), // see search_documents
]);
