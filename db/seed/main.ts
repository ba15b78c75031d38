import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { openDb, type DbHandle } from '../client.js';
import { migratePgliteClient, migratePostgresUrl } from '../migrate.js';
import { ConfigError, loadConfig } from '../../hub/config.js';
import { createLogger } from '../../hub/platform/logger.js';
import { DEMO_PASSWORD } from './demo-catalog.js';
import { seedDemo } from './demo.js';

// npm run seed: loads the demo install base into the configured database (PGlite in DATA_DIR by default).
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  let handle: DbHandle;
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    handle = await openDb({ databaseUrl: config.databaseUrl });
  } else {
    mkdirSync(config.pgliteDir, { recursive: true });
    const client = await PGlite.create({ dataDir: config.pgliteDir });
    await migratePgliteClient(client);
    handle = await openDb({ pglite: client, dataDir: config.pgliteDir });
  }
  try {
    const s = await seedDemo(handle.db, createLogger('warn'));
    process.stdout.write(s.isAlreadySeeded
      ? `demo data is already in ${handle.location}; nothing changed\n`
      : `demo data loaded into ${handle.location}: ${s.customers} customers, ${s.sites} sites, ${s.assets} assets, ${s.contracts} contracts, `
        + `${s.teams} teams, ${s.users} users\nsign in as admin@demo.local (or agent.anna@demo.local, supervisor.klaus@demo.local, …) with the password "${DEMO_PASSWORD}"\n`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `seeding failed: ${(err as Error).message}\n`);
  process.exit(1);
});
