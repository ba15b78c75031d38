import { hostname } from 'node:os';
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
  /** names this hub's persistent MQTT sessions (hub-<HUB_ID>-<n>): stable across restarts, unique per hub */
  HUB_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, 'letters, digits, _ . - (at most 60)').optional(),
  MQTT_SUBSCRIBERS: z.coerce.number().int().min(1).max(256).default(8),
  /** MQTT messages taken and not yet committed, per hub, before the connector stops reading (connectors/mqtt/gate.ts) */
  MQTT_MAX_PENDING: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  ALARM_FLAP_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  ALARM_HISTORY_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  HUB_SECRET_KEY: z.string().refine((v) => decodeKey(v) !== null, '32 bytes as 64 hex digits or base64').optional(),
  MAIL_ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  MAIL_SENDER_HOURLY_LIMIT: z.coerce.number().int().positive().default(20),
  MAIL_CLOSED_REPLY: z.enum(['reopen', 'new']).default('reopen'),
  IMAP_POLL_SECONDS: z.coerce.number().positive().max(3600).default(60),
  IMAP_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  // Web forms and the customer portal (hub/portal).
  PUBLIC_CORS_ORIGINS: z.string().default('').transform((v, ctx) => {
    const list = v.split(',').map((o) => o.trim()).filter(Boolean);
    for (const o of list) {
      if (!/^https?:\/\/[^/\s]+$/.test(o)) ctx.addIssue({ code: 'custom', message: `${o}: expected an origin like https://www.example.com (no path)` });
    }
    return list;
  }),
  PUBLIC_RATE_IP_PER_MINUTE: z.coerce.number().int().positive().default(10),
  PUBLIC_RATE_EMAIL_PER_HOUR: z.coerce.number().int().positive().default(20),
  PUBLIC_BODY_MAX_BYTES: z.coerce.number().int().positive().default(12 * 1024 * 1024),
  PUBLIC_ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  PUBLIC_TRUST_PROXY: flag.default(false),
  PORTAL_LINK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** scale-out: with REDIS_URL one hub at a time polls a mailbox, handing over after this long */
  IMAP_SESSION_SECONDS: z.coerce.number().positive().max(86_400).default(300),
  /** SIGTERM: stop intake, finish in-flight work, exit within this many seconds */
  HUB_SHUTDOWN_SECONDS: z.coerce.number().positive().max(3600).default(20),
  /** provision devices into Mosquitto's dynamic-security plugin (MQTT_URL's user must be a dynsec admin) */
  MQTT_DYNSEC: flag.default(false),
  /** turns on POST /api/public/mqtt/authenticate|authorize for EMQX; the broker sends it as X-Hub-Broker-Secret */
  MQTT_HTTP_AUTH_SECRET: z.string().min(24, 'at least 24 characters').optional(),
}).refine((e) => !e.MQTT_DYNSEC || e.MQTT_URL, {
  message: 'MQTT_DYNSEC provisions an external broker: set MQTT_URL (with a dynsec admin user) too',
  path: ['MQTT_DYNSEC'],
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
  hubId: string;
  alarms: { flapWindowSeconds: number; historyDays: number; subscribers: number; maxPending: number };
  eventRetentionDays: number;
  scale: { imapSessionMs: number; shutdownMs: number; isDynsec: boolean; brokerHttpAuthSecret?: string };
  mail: {
    /** AES-256 key for stored mailbox credentials; unset: a key file in DATA_DIR */
    secretKey?: Buffer;
    attachmentMaxBytes: number;
    senderHourlyLimit: number;
    closedReply: 'reopen' | 'new';
    imapPollMs: number;
    /** messages fetched and submitted together */
    imapBatch: number;
  };
  /** public web forms and the customer portal */
  portal: {
    corsOrigins: string[];
    rateIpPerMinute: number;
    rateEmailPerHour: number;
    bodyMaxBytes: number;
    attachmentMaxBytes: number;
    /** take the client address from X-Forwarded-For (behind a reverse proxy) */
    isProxyTrusted: boolean;
    magicLinkMinutes: number;
  };
}

/** 64 hex digits or base64 of 32 bytes. */
export function decodeKey(v: string): Buffer | null {
  const b = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  return b.length === 32 ? b : null;
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
    hubId: e.HUB_ID ?? (hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 60) || 'hub'),
    alarms: { flapWindowSeconds: e.ALARM_FLAP_WINDOW_SECONDS, historyDays: e.ALARM_HISTORY_DAYS, subscribers: e.MQTT_SUBSCRIBERS, maxPending: e.MQTT_MAX_PENDING },
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    scale: { imapSessionMs: e.IMAP_SESSION_SECONDS * 1000, shutdownMs: e.HUB_SHUTDOWN_SECONDS * 1000, isDynsec: e.MQTT_DYNSEC, brokerHttpAuthSecret: e.MQTT_HTTP_AUTH_SECRET },
    mail: {
      secretKey: e.HUB_SECRET_KEY ? decodeKey(e.HUB_SECRET_KEY) ?? undefined : undefined,
      attachmentMaxBytes: e.MAIL_ATTACHMENT_MAX_BYTES,
      senderHourlyLimit: e.MAIL_SENDER_HOURLY_LIMIT,
      closedReply: e.MAIL_CLOSED_REPLY,
      imapPollMs: e.IMAP_POLL_SECONDS * 1000,
      imapBatch: e.IMAP_BATCH,
    },
    portal: {
      corsOrigins: e.PUBLIC_CORS_ORIGINS, rateIpPerMinute: e.PUBLIC_RATE_IP_PER_MINUTE, rateEmailPerHour: e.PUBLIC_RATE_EMAIL_PER_HOUR,
      bodyMaxBytes: e.PUBLIC_BODY_MAX_BYTES, attachmentMaxBytes: e.PUBLIC_ATTACHMENT_MAX_BYTES, isProxyTrusted: e.PUBLIC_TRUST_PROXY,
      magicLinkMinutes: e.PORTAL_LINK_MINUTES,
    },
  };
}
