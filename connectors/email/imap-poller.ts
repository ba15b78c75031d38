import { ImapFlow } from 'imapflow';
import { ZodError } from 'zod';
import type { EmailIntakeService, MailboxRef } from '../../hub/mail/intake-service.js';
import { isNonRetryable } from '../../hub/platform/jobs/port.js';
import type { Logger } from '../../hub/platform/logger.js';
import { parseInboundMail, UnparsableMail } from './parse.js';

/** The keyword a processed message gets, after its transaction committed. */
export const PROCESSED_FLAG = '$HubProcessed';

export interface PollerOptions {
  pollMs: number;
  /** messages fetched and submitted together (the pipeline group-commits them) */
  chunk?: number;
  log: Logger;
}

/**
 * One IMAP mailbox: IDLE while connected, a poll every `pollMs` as the fallback, reconnects
 * with backoff. Messages above the stored last UID are parsed, submitted and, once committed,
 * flagged and the position saved; a crash in between only means a redelivery, which the
 * Message-ID makes a no-op. One bad message goes to dead letters and never blocks the mailbox.
 */
export class MailboxPoller {
  #client: ImapFlow | null = null;
  #isStopped = false;
  #wake: (() => void) | null = null;
  /** set by an EXISTS the server reports while we are busy syncing (not idling): sync again at once */
  #hasNews = false;
  #done: Promise<void> = Promise.resolve();
  readonly #log: Logger;

  constructor(readonly mailbox: MailboxRef, private readonly service: EmailIntakeService, private readonly o: PollerOptions) {
    this.#log = o.log.child({ component: 'imap', mailbox: mailbox.name });
  }

  start(): void {
    this.#done = this.#run();
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#wake?.();
    await this.#client?.logout().catch(() => this.#client?.close());
    await this.#done;
  }

  async #run(): Promise<void> {
    let backoffMs = 1000;
    while (!this.#isStopped) {
      try {
        await this.#session();
        backoffMs = 1000;
      } catch (err) {
        if (this.#isStopped) break;
        this.#log.warn({ err }, 'mailbox session failed; reconnecting');
        await this.service.recordPoll(this.mailbox.id, (err as Error).message ?? String(err)).catch(() => {});
        await this.#sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 60_000);
      } finally {
        this.#client?.close();
        this.#client = null;
      }
    }
  }

  async #session(): Promise<void> {
    const url = new URL(this.mailbox.url);
    const client = new ImapFlow({
      host: url.hostname, port: Number(url.port) || (url.protocol === 'imaps:' ? 993 : 143), secure: url.protocol === 'imaps:',
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false, disableAutoIdle: true,
    });
    this.#client = client;
    let isClosed = false;
    // An EXISTS can arrive with the reply to any command, e.g. right after a SEARCH that did
    // not see the new message yet; remembering it keeps the next IDLE from sleeping on it.
    client.on('exists', () => { this.#hasNews = true; this.#wake?.(); });
    client.on('close', () => { isClosed = true; this.#wake?.(); });
    client.on('error', (err: unknown) => this.#log.warn({ err }, 'imap connection error'));
    await client.connect();
    await client.mailboxOpen(this.mailbox.folder);
    this.#log.info({ folder: this.mailbox.folder }, 'mailbox connected');
    while (!this.#isStopped && !isClosed) {
      this.#hasNews = false;
      await this.syncOnce(client);
      await this.service.recordPoll(this.mailbox.id, null);
      if (this.#isStopped || isClosed) break;
      if (this.#hasNews) continue;
      // IDLE until the server says EXISTS, the poll interval passes, or we stop.
      void client.idle().catch(() => {});
      await this.#sleep(this.o.pollMs);
    }
    if (isClosed && !this.#isStopped) throw new Error('the IMAP server closed the connection');
  }

  /** Everything above the stored position, in UID order; the position only moves past committed mail. */
  async syncOnce(client: ImapFlow): Promise<number> {
    const box = client.mailbox;
    if (!box) throw new Error('no mailbox open');
    const uidValidity = String(box.uidValidity);
    const pos = await this.service.position(this.mailbox.id);
    let last = pos.uidValidity === uidValidity ? pos.lastUid : 0;
    if (pos.uidValidity !== uidValidity) {
      // New UIDVALIDITY: every UID is new again; Message-ID dedup keeps the second pass from doubling anything.
      if (pos.uidValidity) this.#log.warn({ from: pos.uidValidity, to: uidValidity }, 'UIDVALIDITY changed; re-reading the mailbox');
      await this.service.savePosition(this.mailbox.id, { uidValidity, lastUid: 0 });
    }
    const found = await client.search({ uid: `${last + 1}:*` }, { uid: true });
    const uids = (found || []).filter((u) => u > last).sort((a, b) => a - b);
    const chunk = this.o.chunk ?? 100;
    let processed = 0;
    // Two chunks overlap: the next is fetched, parsed and submitted while the previous one
    // commits. Flags and the position still follow UID order, one chunk after the other.
    let previous: { messages: Array<{ uid: number }>; settled: Promise<Array<PromiseSettledResult<void>>> } | null = null;
    const finish = async (c: NonNullable<typeof previous>) => {
      const outcomes = await c.settled;
      const failedAt = outcomes.findIndex((o) => o.status === 'rejected');
      const done = c.messages.slice(0, failedAt === -1 ? c.messages.length : failedAt);
      if (done.length) {
        await client.messageFlagsAdd(done.map((m) => m.uid).join(','), [PROCESSED_FLAG], { uid: true });
        last = done[done.length - 1]!.uid;
        await this.service.savePosition(this.mailbox.id, { uidValidity, lastUid: last });
        processed += done.length;
      }
      const failure = outcomes[failedAt];
      if (failure?.status === 'rejected') throw failure.reason;
    };
    try {
      for (let i = 0; i < uids.length && !this.#isStopped; i += chunk) {
        const messages: Array<{ uid: number; source: Buffer }> = [];
        for await (const m of client.fetch(uids.slice(i, i + chunk).join(','), { uid: true, source: true }, { uid: true })) {
          if (m.source && m.uid > last) messages.push({ uid: m.uid, source: m.source });
        }
        messages.sort((a, b) => a.uid - b.uid);
        const current = { messages, settled: Promise.allSettled(messages.map((m) => this.#ingest(m.uid, m.source))) };
        const before = previous;
        previous = current;
        if (before) await finish(before);
      }
    } finally {
      // Even when a chunk failed, the one after it has committed what it could; wait for it (its mail is re-read later).
      if (previous) await previous.settled;
    }
    if (previous) await finish(previous);
    if (processed) this.#log.info({ processed, lastUid: last }, 'mailbox synced');
    return processed;
  }

  /** Resolves when the mail is recorded (or dead-lettered); rejects only for what a retry can fix. */
  async #ingest(uid: number, source: Buffer): Promise<void> {
    const meta = { mailboxId: this.mailbox.id, uid };
    let parsed;
    try {
      parsed = await parseInboundMail(source, {
        storeAttachment: (c) => this.service.attachments.put(c), maxAttachmentBytes: this.service.attachments.maxBytes,
      });
    } catch (err) {
      if (!(err instanceof UnparsableMail) && !(err instanceof TypeError) && !(err instanceof RangeError)) throw err;
      return this.service.deadLetter(source, 'unparsable', `unparsable mail: ${err.message}`, meta);
    }
    const serial = await this.service.knownSerial(parsed.serialCandidates);
    try {
      await this.service.submit(serial ? { ...parsed.event, serialNumber: serial } : parsed.event, source, this.mailbox);
    } catch (err) {
      if (!(err instanceof ZodError) && !isNonRetryable(err)) throw err;
      await this.service.deadLetter(source, 'rejected', `rejected by the intake: ${(err as Error).message.slice(0, 500)}`, { ...meta, messageId: parsed.event.email.messageId });
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.#wake = done;
    });
  }
}
