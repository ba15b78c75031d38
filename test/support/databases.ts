import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { migratePgliteClient } from '../../db/migrate.js';
import { TEMPLATE_DB, TEST_PG_URL, databaseUrl } from './env.js';
import { createPglite, openDb, type DbHandle } from '../../db/client.js';

/** A fresh PostgreSQL database for one test file (or test), copied from the migrated template. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  // The timestamp in the name lets global setup drop leftovers of old runs.
  const name = `hubt_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(name),
    name,
    drop: async () => {
      const a = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** An empty database (no migrations), for tests of the migrator itself. */
export async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hubt_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  return {
    url: databaseUrl(name),
    drop: async () => {
      const a = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

let migratedPglite: Promise<PGlite> | null = null;
/** PGlite cold start and migrations take seconds: do them once per file and clone per test. */
export async function migratedPgliteClone(): Promise<PGlite> {
  migratedPglite ??= (async () => {
    const client = await createPglite();
    await migratePgliteClient(client);
    return client;
  })();
  // clone() is typed as the interface, but what it returns is a PGlite instance.
  return (await (await migratedPglite).clone()) as PGlite;
}

export function uniquePrefix(label: string): string {
  return `t${label}${randomBytes(4).toString('hex')}`;
}

/** A migrated database of its own on either driver, opened: a PGlite clone, or a fresh PostgreSQL database (two connections). */
export async function openTestDb(driver: 'pglite' | 'postgres'): Promise<{ h: DbHandle; drop: () => Promise<void> }> {
  if (driver === 'pglite') return { h: await openDb({ pglite: await migratedPgliteClone() }), drop: async () => {} };
  const d = await createTestDatabase();
  return { h: await openDb({ databaseUrl: d.url, maxConnections: 2 }), drop: d.drop };
}
