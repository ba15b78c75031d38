import type { Db } from '../../db/client.js';
import type { Config } from '../config.js';
import type { JobRegistryType } from '../contracts/jobs.js';
import type { EventBus } from '../events/bus.js';
import type { JobRunner } from '../platform/jobs/port.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { MailTransport } from '../platform/mail/port.js';
import { createSmtpTransport } from '../platform/mail/smtp.js';
import path from 'node:path';
import { EmailIntake } from '../../connectors/email/intake.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { AttachmentStore } from './attachments.js';
import { EmailIntakeService } from './intake-service.js';
import { mailIdentity, outboxReactor, type MailIdentity } from './outbox.js';
import { SecretBox } from './secrets.js';
import { trackingPath } from '../portal/tracking.js';
import { OutboxSender } from './sender.js';
import { createInProcessSessions } from '../platform/sessions/in-process.js';
import type { ExclusiveSessions } from '../platform/sessions/port.js';

const SWEEP_MS = 15_000;
const RECONCILE_MS = 60_000;

export interface MailModule {
  identity: MailIdentity;
  /** null: no SMTP_URL, the outbox keeps the mails (the embedded default) */
  transport: MailTransport | null;
  /** wake the sender after a commit that queued mail */
  kick(): void;
  /** mailbox credentials (AES-256-GCM) */
  secrets: SecretBox;
  intakeService: EmailIntakeService;
  /** the IMAP connector: one poller per active mailbox */
  intake: EmailIntake;
  /** after jobs.start(): the outbox sweep, the IMAP_URL mailbox, the pollers and their reconcile job */
  schedule(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The outbound half of the email channel: the outbox reactor on every transaction that logs
 * events, and (with SMTP_URL) the `outbox.send` job that delivers what is due.
 */
export function createMailModule(d: {
  db: Db; bus: EventBus; jobs: JobRunner<JobRegistryType>; log: Logger; config: Config; pipeline: IntakePipeline; metrics?: Metrics;
  transport?: MailTransport | null;
  /** where each mailbox's polling session runs (default: in this process) */
  sessions?: ExclusiveSessions;
}): MailModule {
  const log = d.log.child({ component: 'mail' });
  const identity = mailIdentity(d.config.mailFrom, d.config.publicUrl);
  const secrets = SecretBox.fromConfig(d.config.mail.secretKey, d.config.dataDir);
  // Customers' mail links to the portal's tracking page, which needs no staff sign-in.
  identity.customerUrl = (requestId) => `${identity.publicUrl}${trackingPath(secrets, requestId)}`;
  const transport = d.transport !== undefined ? d.transport : d.config.smtpUrl ? createSmtpTransport(d.config.smtpUrl) : null;
  // Event numbers whose transaction queued mail: the sender is woken once those commit.
  const pending = new Set<number>();
  d.bus.addTxReactor(outboxReactor(identity, (seqs) => seqs.forEach((s) => pending.add(s))));

  const kick = () => {
    if (!transport) return;
    d.jobs.enqueue('outbox.send', {}).catch((err: unknown) => log.warn({ err }, 'outbox sender not woken; the sweep will send'));
  };
  d.bus.subscribe((events) => {
    let isMail = false;
    for (const e of events) if (pending.delete(e.seq)) isMail = true;
    // A rolled-back transaction's numbers are taken again by the next commit: drop stale ones.
    const last = events[events.length - 1]?.seq ?? 0;
    for (const s of pending) if (s < last) pending.delete(s);
    if (isMail) kick();
  });

  if (transport) {
    const sender = new OutboxSender(d.db, transport, identity, log);
    d.jobs.register('outbox.send', async () => {
      const n = await sender.sendDue();
      if (n) log.debug({ sent: n }, 'outbox drained');
    }, { concurrency: 2 });
  }
  const intakeService = new EmailIntakeService({
    db: d.db, pipeline: d.pipeline, secrets, log: d.log, metrics: d.metrics,
    attachments: new AttachmentStore(path.join(d.config.dataDir, 'attachments'), d.config.mail.attachmentMaxBytes),
    closedReply: d.config.mail.closedReply, senderHourlyLimit: d.config.mail.senderHourlyLimit,
  });
  const sessions = d.sessions ?? createInProcessSessions({ log: d.log });
  const intake = new EmailIntake(intakeService, sessions, { pollMs: d.config.mail.imapPollMs, chunk: d.config.mail.imapBatch, log: d.log });
  d.jobs.register('mailboxes.reconcile', () => intake.reconcile());
  let reconciler: NodeJS.Timeout | undefined;
  return {
    identity, transport, kick, secrets, intakeService, intake,
    async schedule() {
      if (transport) await d.jobs.schedule('outbox.sweep', { everyMs: SWEEP_MS }, 'outbox.send', {});
      if (d.config.imapUrl) await intakeService.ensureEnvMailbox(d.config.imapUrl);
      await intake.reconcile();
      // Which mailboxes a process offers to poll is that process's own state: every hub
      // reconciles on its own timer (a shared BullMQ schedule would run on one hub per tick).
      await d.jobs.unschedule('mailboxes.reconcile');
      reconciler = setInterval(() => {
        intake.reconcile().catch((err: unknown) => log.warn({ err }, 'mailbox sessions not reconciled'));
      }, RECONCILE_MS);
      reconciler.unref();
    },
    async close() {
      clearInterval(reconciler);
      await intake.close();
      await transport?.close();
    },
  };
}
