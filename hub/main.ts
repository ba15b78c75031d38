import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startHub, type Hub } from './hub.js';
import { PortInUse } from './platform/listen.js';
import { createLogger } from './platform/logger.js';
import { maskUrl } from '../db/client.js';

const consoleDir = fileURLToPath(new URL('../console/dist', import.meta.url));
const SHUTDOWN_MS = 15_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const log = createLogger(config.logLevel);
  const isDemo = config.isDemoData || process.argv.includes('--demo');
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    log.flush?.();
    process.exit(1);
  });

  let hub: Hub;
  try {
    hub = await startHub(config, {
      log, consoleDir,
      seed: isDemo ? async (db, l) => { await (await import('../db/seed/demo.js')).seedDemo(db, l); } : undefined,
    });
  } catch (err) {
    if (err instanceof PortInUse) return fail(err.message);
    log.fatal({ err }, 'start-up failed');
    return fail(`start-up failed: ${(err as Error).message}`);
  }
  process.stdout.write(startupBanner(config, hub, isDemo));

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => { log.error('shutdown took too long; exiting'); process.exit(1); }, SHUTDOWN_MS);
    timer.unref();
    await hub.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

function startupBanner(config: Config, hub: Hub, isDemo: boolean): string {
  const url = config.publicUrl ?? `http://localhost:${hub.httpPort}`;
  const lines = [
    '',
    `Service Hub is up — console ${url}/  (API ${url}/api, OpenAPI ${url}/api/openapi.json)`,
    hub.httpPort !== config.http.port ? `  port ${config.http.port} was taken; using ${hub.httpPort} (set PORT to choose)` : null,
    `  database   ${hub.dbHandle.driver === 'postgres' ? `PostgreSQL ${hub.dbHandle.location}` : `PGlite (embedded) in ${hub.dbHandle.location}`}`,
    `  jobs       ${hub.jobs.kind === 'bullmq' ? `BullMQ on ${maskUrl(config.redisUrl!)}` : 'in-process runner (set REDIS_URL for BullMQ)'}`,
    `  realtime   not yet: socket.io arrives with the live console`,
    `  mqtt       not started: the MQTT alarm connector is not built yet${config.mqtt.url ? ` (MQTT_URL ${maskUrl(config.mqtt.url)} is noted for it)` : ''}`,
    `  mail       not started: the email channel is not built yet${config.smtpUrl || config.imapUrl ? ' (SMTP_URL / IMAP_URL are noted for it)' : ''}`,
    isDemo ? '  demo data  loaded: sign in as admin@demo.local, agent.anna@demo.local, … with the password "demo-password"' : null,
    hub.firstAdmin?.password
      ? `\n  First start: sign in as ${hub.firstAdmin.email} with password  ${hub.firstAdmin.password}\n  (shown once; change it, or set HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD before the first start)`
      : hub.firstAdmin ? `\n  Created the first admin ${hub.firstAdmin.email} from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD` : null,
    '',
  ];
  return lines.filter((l) => l !== null).join('\n') + '\n';
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

await main();
