import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export { schema };
export type Schema = typeof schema;
/** The database port: PGlite and postgres.js both give this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export type DbDriver = 'pglite' | 'postgres';
export interface DbHandle {
  db: Db;
  driver: DbDriver;
  /** where the data lives, for start-up output (a password in a URL is masked) */
  location: string;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined = in memory */
  dataDir?: string | undefined;
  maxConnections?: number;
  /** an already open PGlite (tests clone one migrated instance per test) */
  pglite?: PGlite;
}

/**
 * Every PGlite the project opens comes from here: the schema needs pg_trgm (search vocabulary,
 * db/migrations/0010), which PGlite only has when it is loaded at creation. A clone keeps it.
 */
export function createPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const sql = postgres(opts.databaseUrl, {
      max: opts.maxConnections ?? 10,
      onnotice: () => {},
      // timestamps come back as Date either way; bigint ids are read as numbers by the schema.
    });
    const db = drizzlePostgres({ client: sql, schema, casing: 'snake_case' });
    return {
      db,
      driver: 'postgres',
      location: maskUrl(opts.databaseUrl),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const client = opts.pglite ?? (await createPglite(opts.dataDir));
  const db = drizzlePglite({ client, schema, casing: 'snake_case' });
  return {
    db,
    driver: 'pglite',
    location: opts.dataDir ?? 'memory',
    close: () => client.close(),
  };
}

export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparsable url>';
  }
}
