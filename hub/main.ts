import { getHeapStatistics } from 'node:v8';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startHub, type Hub } from './hub.js';
import { PortInUse } from './platform/listen.js';
import { createLogger } from './platform/logger.js';
import { fromRoot } from './platform/root.js';
import { maskUrl } from '../db/client.js';

const consoleDir = fromRoot('console', 'dist');

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
    // HUB_SHUTDOWN_SECONDS bounds it: what has not committed by then is not acknowledged either,
    // so the broker, the IMAP server or the client sends it again.
    log.info({ signal, boundSeconds: config.scale.shutdownMs / 1000 }, 'shutting down: draining');
    const timer = setTimeout(() => { log.error('shutdown took too long; exiting'); log.flush?.(); process.exit(1); }, config.scale.shutdownMs);
    timer.unref();
    const t0 = Date.now();
    await hub.close();
    log.info({ ms: Date.now() - t0 }, 'shut down cleanly');
    log.flush?.();
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
    hub.realtime
      ? `  realtime   socket.io at /socket.io, ${hub.realtime.mode === 'redis-streams' ? 'Redis streams adapter (presence across hubs)' : 'in-memory adapter (set REDIS_URL for the Redis streams adapter)'}; frames from the event log`
      : '  realtime   off (no HTTP listener)',
    hub.mqtt.kind === 'embedded'
      ? `  mqtt       embedded broker on :${hub.mqtt.port} (devices sign in with their id and token)${hub.mqtt.port !== config.mqtt.port && config.mqtt.port !== 0 ? `; port ${config.mqtt.port} was taken (set MQTT_PORT to choose)` : ''}`
      : `  mqtt       ${hub.mqtt.connections} subscriber connections to ${maskUrl(config.mqtt.url!)} as hub-${config.hubId}-<n> (shared subscription $share/hub/devices/+/alarms)`,
    memoryLine(),
    `  mail out   ${config.smtpUrl ? `SMTP via ${maskUrl(config.smtpUrl)} (outbox with retries)` : 'kept in the outbox, shown in the console (set SMTP_URL to send)'}; from ${config.mailFrom}`,
    `  mail in    ${hub.mail.intake.mailboxCount ? `IMAP: ${hub.mail.intake.mailboxCount} mailbox(es) polled (IDLE)${config.imapUrl ? `, incl. IMAP_URL ${maskUrl(config.imapUrl)}` : ''}` : 'off (set IMAP_URL, or add mailboxes under /api/mailboxes)'}`,
    isDemo ? '  demo data  loaded: sign in as admin@demo.local, agent.anna@demo.local, … with the password "demo-password"' : null,
    hub.firstAdmin?.password
      ? `\n  First start: sign in as ${hub.firstAdmin.email} with password  ${hub.firstAdmin.password}\n  (shown once; change it, or set HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD before the first start)`
      : hub.firstAdmin ? `\n  Created the first admin ${hub.firstAdmin.email} from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD` : null,
    '',
  ];
  return lines.filter((l) => l !== null).join('\n') + '\n';
}

/**
 * The heap limit V8 runs under and how far it lets the old space grow between full collections:
 * scripts/hub.sh (npm start, the image) sets them from HUB_HEAP_MB and HUB_HEAP_GROWTH_PERCENT.
 */
function memoryLine(): string {
  const limitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
  const capped = flags.some((a) => a.includes('--max-old-space-size'));
  const growth = flags.map((a) => /--heap-growing-percent=(\d+)/.exec(a)?.[1]).find(Boolean);
  return `  memory     V8 heap limit ${limitMb} MB${capped ? '' : ' (not capped: npm start and the image cap it at HUB_HEAP_MB, default 240)'}`
    + `${growth ? `, old space grows ${growth}% between full collections` : ''}`;
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

await main();
