import { mkdirSync } from 'node:fs';
import { loadConfig } from '../hub/config.js';
import { createPglite } from './client.js';
import { migratePgliteClient, migratePostgresUrl } from './migrate.js';

/** `npm run db:migrate`: applies the migrations to DATABASE_URL, or to the embedded PGlite in DATA_DIR. */
async function main(): Promise<void> {
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

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
