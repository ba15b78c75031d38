import { and, eq, notExists, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { assets, contacts, customers, knowledgeArticles, searchDocuments, serviceOrders, serviceRequests } from '../../db/schema/index.js';
import { indexEntities, SEARCH_KINDS, type SearchKind } from './indexer.js';

const TABLES: Record<SearchKind, { table: PgTable; id: PgColumn }> = {
  request: { table: serviceRequests, id: serviceRequests.id }, order: { table: serviceOrders, id: serviceOrders.id },
  customer: { table: customers, id: customers.id }, contact: { table: contacts, id: contacts.id }, asset: { table: assets, id: assets.id },
  article: { table: knowledgeArticles, id: knowledgeArticles.id },
};
/**
 * Indexes every row that has no search document yet: rows written before the index existed
 * (after the migration), and rows written by paths that bypass the write path (demo seed, bulk
 * loads). Idempotent and resumable; runs at start-up before the hub serves requests.
 */
export async function backfillSearch(db: Db, batch = 1000, onProgress?: (kind: SearchKind, done: number) => void): Promise<number> {
  let total = 0;
  for (const kind of SEARCH_KINDS) {
    let done = 0;
    for (;;) {
      const { table, id } = TABLES[kind];
      const missing = db.select({ one: sql`1` }).from(searchDocuments)
        .where(and(eq(searchDocuments.kind, kind), eq(searchDocuments.entityId, id)));
      const rows = await db.select({ id: sql<string>`${id}` }).from(table).where(notExists(missing)).limit(batch);
      const ids = rows.map((r) => r.id);
      if (!ids.length) break;
      await db.transaction((tx) => indexEntities(tx, kind, ids));
      done += ids.length;
      onProgress?.(kind, done);
    }
    total += done;
  }
  return total;
}
