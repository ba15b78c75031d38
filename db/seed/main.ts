import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from '../../hub/config.js';
import { createLogger } from '../../hub/platform/logger.js';
import { createPglite, openDb, type DbHandle } from '../client.js';
import { migratePgliteClient, migratePostgresUrl } from '../migrate.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo, type SeedSummary } from './demo.js';

// `npm run seed`: migrates the configured database (PGlite in DATA_DIR unless DATABASE_URL is
// set) and loads the demo data. Safe to run again: the second run changes nothing.

async function openMigrated(config: Config): Promise<DbHandle> {
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    return openDb({ databaseUrl: config.databaseUrl });
  }
  mkdirSync(config.pgliteDir, { recursive: true });
  const client = await createPglite(config.pgliteDir);
  await migratePgliteClient(client);
  return openDb({ pglite: client, dataDir: config.pgliteDir });
}

function describeSummary(s: SeedSummary, location: string): string {
  const c = s.counts;
  return [
    s.isAlreadySeeded ? `demo data was already in ${location}; nothing changed` : `demo data loaded into ${location}`,
    `  ${c.customers} customers, ${c.sites} sites, ${c.contacts} contacts, ${c.contracts} contracts`,
    `  ${c.productModels} product models, ${c.assets} assets, ${c.faultCodes} fault codes, ${c.requestCategories} request categories`,
    `  ${c.teams} teams, ${c.routingRules} routing rules, ${c.users} users, ${c.teamMembers} team memberships, ${c.orderRules} order rules`,
    `sign in as ${DEMO_ADMIN_EMAIL} / ${DEMO_PASSWORD}`,
    '  (also agent.anna@, dispatcher.dieter@, supervisor.sabine@, technician.thomas@, customer.mueller@demo.local)',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Logs go to stderr, so stdout carries only the summary below.
  const log = createLogger(config.logLevel, pino.destination({ fd: 2, sync: true }));
  const handle = await openMigrated(config);
  try {
    const summary = await seedDemo(handle.db, log.child({ component: 'seed' }));
    process.stdout.write(describeSummary(summary, handle.location));
  } finally {
    await handle.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const message = err instanceof ConfigError ? err.message : `seeding failed: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
