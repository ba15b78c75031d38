import path from 'node:path';
import type { Db } from '../../db/client.js';
import type { Config } from '../config.js';
import type { EventBus } from '../events/bus.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { AttachmentStore } from '../mail/attachments.js';
import type { MailModule } from '../mail/module.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { publicRoutes } from './public-routes.js';
import { PublicRateLimiter } from './rate-limit.js';
import { portalPages } from './pages.js';
import { portalRoutes } from './portal-routes.js';
import { PortalSignIn } from './sign-in.js';

export interface PortalModule {
  /** sub-apps mounted under /api */
  apiRoutes(): Array<ReturnType<typeof publicRoutes> | ReturnType<typeof portalRoutes>>;
  signIn: PortalSignIn;
  /** /portal pages: the form, embed.js and the portal itself */
  pages(): ReturnType<typeof portalPages>;
  limiter: PublicRateLimiter;
  close(): Promise<void>;
}

/** Web forms and the customer portal: the public routes, their rate limits and attachment store. */
export function createPortalModule(d: {
  db: Db; bus: EventBus; pipeline: IntakePipeline; mail: MailModule; config: Config; log: Logger; metrics?: Metrics;
}): PortalModule {
  const c = d.config.portal;
  const limiter = new PublicRateLimiter({ ipPerMinute: c.rateIpPerMinute, emailPerHour: c.rateEmailPerHour }, {
    redisUrl: d.config.redisUrl, prefix: d.config.queuePrefix,
    onRedisError: (err) => d.log.warn({ err, component: 'portal' }, 'rate-limit redis unavailable; counting in memory'),
  });
  const attachments = new AttachmentStore(path.join(d.config.dataDir, 'attachments', 'web'), c.attachmentMaxBytes);
  const trackingUrl = (id: string) => d.mail.identity.customerUrl?.(id) ?? `${d.mail.identity.publicUrl}/portal`;
  const signIn = new PortalSignIn({
    db: d.db, identity: d.mail.identity, kick: () => d.mail.kick(), linkMinutes: c.magicLinkMinutes, sessionHours: d.config.sessionHours,
  });
  return {
    limiter, signIn,
    apiRoutes: () => [
      publicRoutes({
        db: d.db, pipeline: d.pipeline, limiter, attachments, metrics: d.metrics, trackingUrl, corsOrigins: c.corsOrigins,
        bodyMaxBytes: c.bodyMaxBytes, attachmentMaxBytes: c.attachmentMaxBytes, isProxyTrusted: c.isProxyTrusted,
      }),
      portalRoutes({
        db: d.db, bus: d.bus, pipeline: d.pipeline, secrets: d.mail.secrets, signIn, limiter,
        isSecureCookie: d.config.publicUrl?.startsWith('https:') ?? false, isProxyTrusted: c.isProxyTrusted,
        attachments, bodyMaxBytes: c.bodyMaxBytes, mail: { identity: d.mail.identity, kick: () => d.mail.kick() },
      }),
    ],
    pages: () => portalPages({ embedOrigins: c.corsOrigins }),
    close: () => limiter.close(),
  };
}
