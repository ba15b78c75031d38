import path from 'node:path';
import { z } from 'zod';

// The only reader of process.env. Every variable is optional: unset means the embedded default.
// 0 = any free port (tests, throwaway instances)
const port = z.coerce.number().int().min(0).max(65535);
const url = (schemes: string[]) => z.string().refine((v) => {
  try {
    return schemes.includes(new URL(v).protocol.replace(/:$/, ''));
  } catch {
    return false;
  }
}, `expected a URL with scheme ${schemes.join(' or ')}`);
const flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => ['1', 'true', 'yes'].includes(v));
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const EnvSchema = z.object({
  PORT: port.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  MQTT_URL: url(['mqtt', 'mqtts', 'tcp', 'ssl', 'ws', 'wss']).optional(),
  MQTT_PORT: port.optional(),
  IMAP_URL: url(['imap', 'imaps']).optional(),
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().min(3).default('Service Hub <service@localhost>'),
  PUBLIC_URL: url(['http', 'https']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HUB_ADMIN_EMAIL: z.email().optional(),
  HUB_ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  HUB_DEMO_DATA: flag.default(false),
  HUB_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('hub'),
  HUB_SESSION_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
}).refine((e) => !e.HUB_ADMIN_EMAIL === !e.HUB_ADMIN_PASSWORD, {
  message: 'set both HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD, or neither',
  path: ['HUB_ADMIN_PASSWORD'],
});

export interface Config {
  http: { port: number; isPortExplicit: boolean };
  mqtt: { url?: string; port: number; isPortExplicit: boolean };
  dataDir: string;
  pgliteDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  imapUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl?: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  admin?: { email: string; password: string };
  isDemoData: boolean;
  queuePrefix: string;
  sessionHours: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, blankToUndefined(v)]));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    http: { port: e.PORT ?? 3000, isPortExplicit: e.PORT !== undefined },
    mqtt: { url: e.MQTT_URL, port: e.MQTT_PORT ?? 1883, isPortExplicit: e.MQTT_PORT !== undefined },
    dataDir,
    pgliteDir: path.join(dataDir, 'pg'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    imapUrl: e.IMAP_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    admin: e.HUB_ADMIN_EMAIL && e.HUB_ADMIN_PASSWORD
      ? { email: e.HUB_ADMIN_EMAIL, password: e.HUB_ADMIN_PASSWORD } : undefined,
    isDemoData: e.HUB_DEMO_DATA,
    queuePrefix: e.HUB_QUEUE_PREFIX,
    sessionHours: e.HUB_SESSION_HOURS,
  };
}
