import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { createPglite } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

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
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../hub/config.js');
  const config = loadConfig(process.env);
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
  } else {
    mkdirSync(config.pgliteDir, { recursive: true });
    const client = await createPglite(config.pgliteDir);
    await migratePgliteClient(client);
    await client.close();
  }
  process.stdout.write('migrations applied\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
