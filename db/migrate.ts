import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { fromRoot } from '../hub/platform/root.js';

export const migrationsFolder = fromRoot('db', 'migrations');

// Any fixed 64-bit number; hubs starting together queue on it instead of racing the migrator.
const MIGRATION_LOCK = 7_240_118_021;

/** Runs the one set of migrations on PostgreSQL, under an advisory lock held on its own connection. */
export async function migratePostgresUrl(databaseUrl: string): Promise<void> {
  // max: 1 keeps the lock, the migration and the unlock on the same session.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migratePostgres(drizzlePostgres({ client: sql }), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** PGlite is a single process with a single connection: no lock needed. */
export async function migratePgliteClient(client: PGlite): Promise<void> {
  // imported on first use, like PGlite itself (db/client.ts)
  const [{ drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator'),
  ]);
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
}
