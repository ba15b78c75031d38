import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
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
 * Imported here, on first use: loading PGlite costs a hub on PostgreSQL some 40 MB it never uses.
 */
export async function createPglite(dataDir?: string): Promise<PGlite> {
  const [{ PGlite }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
}

/**
 * The client drizzle is given: every statement is prepared, once per connection and text.
 * drizzle asks postgres.js not to prepare a statement it was not given a name for, and
 * postgres.js then first sends such a statement alone to learn its parameter types: every
 * statement with a parameter cost two round trips. Prepared, a statement's second run is one
 * (and PostgreSQL skips parsing it again). The hot paths keep their texts independent of list
 * lengths and row counts (db/any.ts, db/insert-rows.ts), so the set of texts stays small.
 * Transactions and savepoints hand out clients that prepare too.
 */
function preparing<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop) {
      if (prop === 'unsafe') {
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.TransactionSql) => unknown;
          return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args, (tx: postgres.TransactionSql) => fn(preparing(tx)));
        };
      }
      return Reflect.get(target, prop);
    },
  });
}

/** The rows of a raw `execute`: postgres.js answers an array, PGlite an object with `rows`. */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows?: unknown[] }).rows ?? []) as Array<Record<string, unknown>>;
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const sql = postgres(opts.databaseUrl, {
      max: opts.maxConnections ?? 10,
      onnotice: () => {},
      // timestamps come back as Date either way; bigint ids are read as numbers by the schema.
    });
    const db = drizzlePostgres({ client: preparing(sql), schema, casing: 'snake_case' });
    return {
      db,
      driver: 'postgres',
      location: maskUrl(opts.databaseUrl),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const client = opts.pglite ?? (await createPglite(opts.dataDir));
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
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
