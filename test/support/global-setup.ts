import { execFileSync } from 'node:child_process';
import postgres from 'postgres';
import { migratePostgresUrl } from '../../db/migrate.js';
import { TEMPLATE_DB, TEST_PG_URL, databaseUrl } from './env.js';

const DAY_MS = 86_400_000;

/**
 * Once per run: a migrated template database. Each test file then gets its own database as a
 * copy of it (CREATE DATABASE … TEMPLATE), much faster than migrating per file. Leftovers older
 * than a day are dropped: test databases by the time in their name, templates by the time in
 * their comment. A template of another migration set is kept until then, because another
 * checkout (a branch with other migrations) may be copying it right now.
 */
export default async function setup(): Promise<void> {
  // The tests that start hub processes run them as `npm start` does: the bundle, through scripts/hub.sh.
  execFileSync('npm', ['run', 'hub:build', '--silent'], { stdio: 'inherit' });
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(4242)`;
    const dayAgo = Date.now() - DAY_MS;
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database
      where (datname like 'hubt\\_%' and datname < ${`hubt_${dayAgo}`})
         or (datname like 'hub\\_tpl\\_%' and datname <> ${TEMPLATE_DB}
             and coalesce(nullif(shobj_description(oid, 'pg_database'), ''), '0')::bigint < ${dayAgo})`;
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
    // Last used now: a template in use is never a day old.
    await admin.unsafe(`comment on database "${TEMPLATE_DB}" is '${Date.now()}'`);
    await admin`select pg_advisory_unlock(4242)`;
  } finally {
    await admin.end();
  }
}
