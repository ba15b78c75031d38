import type { EmailIntakeService, MailboxRef } from '../../hub/mail/intake-service.js';
import type { Logger } from '../../hub/platform/logger.js';
import { aborted, type ExclusiveSessions } from '../../hub/platform/sessions/port.js';
import { MailboxPoller } from './imap-poller.js';

/**
 * The email connector: one polling session per active mailbox. `reconcile` offers sessions for
 * new mailboxes and withdraws those removed, deactivated or changed (the mailboxes API calls it,
 * and a recurring job does). The sessions port decides where a mailbox's session runs: here
 * (in-process), or on exactly one of the hubs at a time (BullMQ), handed over every session length.
 */
export class EmailIntake {
  readonly #held = new Map<string, string>();
  #isClosed = false;

  constructor(
    private readonly service: EmailIntakeService,
    private readonly sessions: ExclusiveSessions,
    private readonly o: { pollMs: number; log: Logger; chunk?: number },
  ) {}

  /** mailboxes this hub offers to poll */
  get mailboxCount(): number { return this.#held.size; }
  /** mailbox sessions running in this process now (with BullMQ: each mailbox on one hub only) */
  get runningSessions(): number { return this.sessions.running; }

  async reconcile(): Promise<void> {
    if (this.#isClosed) return;
    const active = await this.service.activeMailboxes();
    const wanted = new Map(active.map((m) => [m.id, { mailbox: m, key: `${m.url}|${m.folder}` }]));
    for (const [id, key] of this.#held) {
      if (wanted.get(id)?.key === key) continue;
      this.#held.delete(id);
      await this.sessions.release(id, { isGone: true });
    }
    for (const [id, w] of wanted) {
      if (this.#held.has(id)) continue;
      this.#held.set(id, w.key);
      try {
        await this.sessions.hold(id, (signal) => this.#session(w.mailbox, signal));
      } catch (err) {
        // not held after all: the next reconcile tries again
        this.#held.delete(id);
        await this.sessions.release(id).catch(() => {});
        throw err;
      }
    }
  }

  /** One session: the poller (IDLE, resync, reconnects) runs until the session's signal ends it. */
  async #session(mailbox: MailboxRef, signal: AbortSignal): Promise<void> {
    const poller = new MailboxPoller(mailbox, this.service, this.o);
    poller.start();
    await aborted(signal);
    await poller.stop();
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    this.#held.clear();
    await this.sessions.close();
  }
}
