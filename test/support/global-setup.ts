import postgres from 'postgres';
import { migratePostgresUrl } from '../../db/migrate.js';
import { TEMPLATE_DB, TEST_PG_URL, databaseUrl } from './env.js';

/**
 * Once per run: a migrated template database. Each test file then gets its own database as a
 * copy of it (CREATE DATABASE … TEMPLATE), much faster than migrating per file. Test
 * databases older than a day and templates of other migration sets are dropped.
 */
export default async function setup(): Promise<void> {
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(4242)`;
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database
      where (datname like 'hubt\\_%' and datname < ${`hubt_${Date.now() - 86_400_000}`})
         or (datname like 'hub\\_tpl\\_%' and datname <> ${TEMPLATE_DB})`;
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    const [exists] = await admin`select 1 from pg_database where datname = ${TEMPLATE_DB}`;
    if (!exists) {
      await admin.unsafe(`create database "${TEMPLATE_DB}"`);
      try {
        await migratePostgresUrl(databaseUrl(TEMPLATE_DB));
      } catch (err) {
        await admin.unsafe(`drop database if exists "${TEMPLATE_DB}" with (force)`);
        throw err;
      }
    }
    await admin`select pg_advisory_unlock(4242)`;
  } finally {
    await admin.end();
  }
}
