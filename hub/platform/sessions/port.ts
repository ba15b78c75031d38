/**
 * Exclusive sessions: long-running work that must run in exactly one process at a time across
 * every hub, such as an IMAP mailbox's IDLE connection. A session runs for a bounded time and then
 * hands over, so a hub that stops or dies gives its sessions to the others.
 */
export type SessionRun = (signal: AbortSignal) => Promise<void>;

export interface ExclusiveSessions {
  readonly kind: 'in-process' | 'bullmq';
  /** this process offers to run `key`'s sessions; idempotent (the first `run` given is kept) */
  hold(key: string, run: SessionRun): Promise<void>;
  /** this process stops offering `key` (a running session is aborted); `isGone` also deletes its schedule for every hub */
  release(key: string, opts?: { isGone?: boolean }): Promise<void>;
  /** keys this process offers */
  readonly held: number;
  /** sessions running in this process right now */
  readonly running: number;
  /** abort running sessions, wait for them (bounded), release connections; idempotent */
  close(): Promise<void>;
}

/** The session ends itself when `signal` aborts: waits for that. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
