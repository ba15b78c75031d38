import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Where the test services are; CI and developers use the machine's own (see .ci/run).
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The migrated template is named after the migrations it holds: runs going on at the same
 * time share it, and a new migration gets a new template instead of a stale one.
 */
export const TEMPLATE_DB = `hub_tpl_${migrationsHash()}`;

function migrationsHash(): string {
  const dir = fileURLToPath(new URL('../../db/migrations', import.meta.url));
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) h.update(f).update(readFileSync(`${dir}/${f}`));
  // The migrator decides what is applied by the journal's timestamps, so they are part of the set.
  h.update(readFileSync(`${dir}/meta/_journal.json`));
  return h.digest('hex').slice(0, 12);
}

/** The same server, another database. */
export function databaseUrl(name: string): string {
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
