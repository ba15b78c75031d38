import type { z } from 'zod';

/** Job name -> payload schema. The one place a job's shape is defined (schemas live in hub/contracts). */
export type JobRegistry = Record<string, z.ZodType>;

export interface JobContext {
  jobId: string;
  /** 1-based; a stalled-and-recovered BullMQ job keeps its number, only failures count */
  attempt: number;
  name: string;
}

export type JobHandler<S extends z.ZodType> = (payload: z.infer<S>, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /** pass delayMs or runAt, not both */
  delayMs?: number;
  runAt?: Date;
  /** dedup key: while a job with this key is pending (waiting, delayed, running or between retries) a second enqueue is dropped; once it finishes the key is free again */
  jobId?: string;
  /** default 5 */
  attempts?: number;
  /** default exponential 1000 ms: the wait after failed attempt n is delayMs * 2^(n-1) */
  backoff?: { type: 'fixed' | 'exponential'; delayMs: number };
}

/** exactly one of everyMs / pattern; tz applies to pattern only */
export interface RecurringSpec {
  /** the first run is immediate, then one every everyMs */
  everyMs?: number;
  /** cron, 5 fields (minute first) or 6 (second first) */
  pattern?: string;
  tz?: string;
}

export interface JobRunner<R extends JobRegistry> {
  readonly kind: 'in-process' | 'bullmq';
  register<N extends keyof R & string>(name: N, handler: JobHandler<R[N]>, opts?: { concurrency?: number }): void;
  enqueue<N extends keyof R & string>(name: N, payload: z.infer<R[N]>, opts?: EnqueueOptions): Promise<void>;
  /** upsert a recurring job; the same schedulerId from several processes/hubs = one schedule */
  schedule<N extends keyof R & string>(schedulerId: string, spec: RecurringSpec, name: N, payload: z.infer<R[N]>): Promise<void>;
  unschedule(schedulerId: string): Promise<void>;
  /** readiness: resolves when the backend answers (BullMQ: a Redis PING), rejects otherwise */
  ping(): Promise<void>;
  /** begin processing; register every handler before */
  start(): Promise<void>;
  /** stop taking jobs, wait for running handlers (bounded), release connections; idempotent */
  close(): Promise<void>;
}

/**
 * Throw this (or any error whose `retryable` property is `false`, such as an AppError
 * left at its default) to fail a job at once: retrying cannot fix bad input or a missing row.
 */
export class NonRetryable extends Error {
  readonly retryable = false as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryable';
  }
}

export function isNonRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;
}
